import { Button, Card, Flex, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import { todayIso } from '../format';
import type { CommandError } from '../bindings/CommandError';
import type { LetterEventKind } from '../bindings/LetterEventKind';
import type { LetterView } from '../bindings/LetterView';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePdfNotice } from '../components/OpenedPdf';
import { ScreenHeader } from '../components/ScreenHeader';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useNav } from '../nav';

type Recording = { letter: LetterView; kind: LetterEventKind };

function StateTag({ letter }: { letter: LetterView }) {
  const { t } = useI18n();
  const [color, text] = {
    awaiting: ['blue', t('replyAwaiting')],
    overdue: ['red', t('replyOverdue', { n: letter.days_overdue })],
    replied: ['gold', t('replyReplied')],
    accepted: ['green', t('replyAccepted')],
  }[letter.state];
  return (
    <Tag color={color} data-testid="letter-state" data-state={letter.state}>
      {text}
    </Tag>
  );
}

/**
 * 函告: every signed letter with its reference number, the agency's reply against the deadline
 * (overdue ones in red), the replies and reviews on record, and printing. Below, the reference
 * number register: each series with any number missing or used twice.
 */
export function Letters() {
  const { t } = useI18n();
  const nav = useNav();
  const notice = usePdfNotice();
  const load = useLoad('letters', async () => {
    const [letters, series] = await Promise.all([api.listLetters(null), api.letterNumbers()]);
    return { letters, series };
  });
  const [recording, setRecording] = useState<Recording | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  const print = async (l: LetterView) => {
    try {
      notice(await api.openDocument(l.latest));
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  const columns: TableColumnsType<LetterView> = [
    { key: 'reference', title: t('colReference'), render: (_, l) => <span data-testid="letter-reference">{l.reference}</span> },
    {
      key: 'recipient',
      title: t('colRecipient'),
      render: (_, l) =>
        l.agency_id ? (
          <Typography.Link onClick={() => nav.go({ name: 'agency', id: l.agency_id as string })}>{l.recipient}</Typography.Link>
        ) : (
          l.recipient
        ),
    },
    { key: 'dated', title: t('colDated'), dataIndex: 'dated', width: 110 },
    { key: 'reply_by', title: t('colReplyBy'), dataIndex: 'reply_by', width: 110 },
    { key: 'state', title: t('colReplyState'), width: 150, render: (_, l) => <StateTag letter={l} /> },
    {
      key: 'actions',
      title: '',
      width: 240,
      render: (_, l) => (
        <Space size={4}>
          {(l.state === 'awaiting' || l.state === 'overdue') && (
            <Button size="small" onClick={() => setRecording({ letter: l, kind: 'replied' })} data-testid="letter-record-reply">
              {t('recordReply')}
            </Button>
          )}
          {l.state === 'replied' && (
            <>
              <Button size="small" onClick={() => setRecording({ letter: l, kind: 'accepted' })} data-testid="letter-accept">
                {t('acceptReply')}
              </Button>
              <Button size="small" danger onClick={() => setRecording({ letter: l, kind: 'rejected' })} data-testid="letter-reject">
                {t('rejectReply')}
              </Button>
            </>
          )}
          <Button size="small" onClick={() => print(l)} data-testid="letter-print">
            {t('printLetter')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader title={t('lettersTitle')} testId="letters-title" />
      <Flex vertical gap={16}>
        {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
        {error && <ErrorAlert error={error} />}
        <Table<LetterView>
          size="small"
          rowKey="id"
          loading={load.loading}
          columns={columns}
          dataSource={load.data?.letters ?? []}
          data-testid="letters-table"
          onRow={() => ({ 'data-testid': 'letter-row' }) as ButtonProps}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          locale={{ emptyText: t('noResults') }}
          expandable={{
            expandedRowRender: (l) => (
              <Flex vertical gap={8}>
                <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                  {l.findings.map((f, i) => (
                    <li key={i}>{f}</li>
                  ))}
                </ol>
                {l.events.length > 0 && (
                  <Card size="small" type="inner" title={t('letterEvents')}>
                    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                      {l.events.map((e, i) => (
                        <li key={i} data-testid="letter-event" data-kind={e.kind}>
                          {e.on_date} · {{ replied: t('recordReply'), accepted: t('acceptReply'), rejected: t('rejectReply') }[e.kind]} ·{' '}
                          {e.note} （{e.recorded_by}）
                        </li>
                      ))}
                    </ul>
                  </Card>
                )}
              </Flex>
            ),
          }}
        />
        <Card size="small" title={t('letterNumbers')} data-testid="letter-numbers">
          {(load.data?.series ?? []).map((s) => (
            <div key={`${s.prefix}-${s.year}`} data-testid="letter-series" data-missing={s.missing.length} data-repeated={s.repeated.length}>
              {t('letterSeries', { prefix: s.prefix, year: s.year, count: s.count, highest: s.highest })}
              {'，'}
              {s.missing.length === 0 && s.repeated.length === 0 ? (
                <Tag color="green">{t('letterSeriesClean')}</Tag>
              ) : (
                <>
                  {s.missing.length > 0 && <Tag color="red">{t('letterSeriesGaps', { gaps: s.missing.join('、') })}</Tag>}
                  {s.repeated.length > 0 && <Tag color="red">{t('letterSeriesRepeats', { repeats: s.repeated.join('、') })}</Tag>}
                </>
              )}
            </div>
          ))}
        </Card>
      </Flex>
      {recording && (
        <EventModal
          recording={recording}
          onClose={() => setRecording(null)}
          onDone={() => {
            setRecording(null);
            load.reload();
          }}
        />
      )}
    </>
  );
}

function EventModal({ recording, onClose, onDone }: { recording: Recording; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ on_date: string; note: string; by: string }>();
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const title = { replied: t('recordReply'), accepted: t('acceptReply'), rejected: t('rejectReply') }[recording.kind];
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await api.recordLetterEvent(recording.letter.id, recording.kind, v.on_date, v.note ?? '', v.by ?? '');
      onDone();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={`${title} · ${recording.letter.reference}`}
      onCancel={onClose}
      onOk={submit}
      okButtonProps={{ loading: saving, 'data-testid': 'letter-event-submit' } as ButtonProps}
    >
      <Form form={form} layout="vertical" initialValues={{ on_date: todayIso() }}>
        <Form.Item name="on_date" label={t('eventDate')}>
          <Input placeholder="YYYY-MM-DD" data-testid="letter-event-date" />
        </Form.Item>
        <Form.Item name="note" label={t('eventNote')}>
          <Input.TextArea rows={3} data-testid="letter-event-note" />
        </Form.Item>
        <Form.Item name="by" label={t('eventBy')}>
          <Input data-testid="letter-event-by" />
        </Form.Item>
      </Form>
      {error && <ErrorAlert error={error} />}
    </Modal>
  );
}
