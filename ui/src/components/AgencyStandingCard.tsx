import type { ButtonProps, TableColumnsType } from 'antd';
import { Alert, App as AntApp, Button, Card, Flex, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import type { AgencyActKind } from '../bindings/AgencyActKind';
import type { AgencyDetail } from '../bindings/AgencyDetail';
import type { RecordedAct } from '../bindings/RecordedAct';
import { todayIso } from '../format';
import { useFormSubmit } from '../forms';
import { useLoad } from '../hooks';
import { AGENCY_ACT_KIND_LABELS, useI18n } from '../i18n';
import { useSession } from '../session';
import { FormError } from './ErrorAlert';

const KIND_COLORS: Record<AgencyActKind, string> = {
  practice_notice: 'blue',
  platform_removal: 'magenta',
  platform_restoration: 'green',
};

/**
 * The acts a bureau records about an agency's standing: practice notices (执业告知) to the
 * county bureaus where it serves (R1 lists a county served without one) and its removal from
 * the platform or restoration (R12), newest first. Supervisors and administrators record them;
 * the Rust command checks the role and the form again and writes each act once.
 */
export function AgencyStandingCard({ detail, onChanged }: { detail: AgencyDetail; onChanged: () => void }) {
  const { t, l } = useI18n();
  const { may } = useSession();
  const [recording, setRecording] = useState<AgencyActKind | null>(null);
  const removal = detail.agency.removal;
  const columns: TableColumnsType<RecordedAct> = [
    { key: 'on', title: t('stDecidedOn'), dataIndex: 'decided_on', width: 110 },
    {
      key: 'kind',
      title: t('stKind'),
      width: 130,
      render: (_, a) => <Tag color={KIND_COLORS[a.kind]}>{l(AGENCY_ACT_KIND_LABELS[a.kind])}</Tag>,
    },
    {
      key: 'detail',
      title: t('stDetail'),
      render: (_, a) => [a.county_name ?? a.county, a.note].filter(Boolean).join(' · '),
    },
    { key: 'by', title: t('stDecidedBy'), dataIndex: 'decided_by', width: 130, ellipsis: true },
  ];
  return (
    <Card
      size="small"
      title={t('stCard')}
      data-testid="agency-standing"
      data-removed={removal !== null}
      extra={
        may('edit_registers') && (
          <Flex gap={8}>
            <Button size="small" onClick={() => setRecording('practice_notice')} data-testid="notice-add">
              {t('stNotice')}
            </Button>
            {removal ? (
              <Button size="small" onClick={() => setRecording('platform_restoration')} data-testid="platform-restore">
                {t('stRestore')}
              </Button>
            ) : (
              <Button size="small" danger onClick={() => setRecording('platform_removal')} data-testid="platform-remove">
                {t('stRemove')}
              </Button>
            )}
          </Flex>
        )
      }
    >
      {removal && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="removal-alert"
          title={t('stRemovedSince', { on: removal.decided_on, note: removal.note, by: removal.decided_by })}
        />
      )}
      <Table<RecordedAct>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={detail.acts}
        pagination={detail.acts.length > 10 ? { pageSize: 10 } : false}
        locale={{ emptyText: t('stNone') }}
        onRow={(a) => ({ 'data-testid': 'agency-act', 'data-kind': a.kind }) as React.HTMLAttributes<HTMLElement>}
      />
      {recording && (
        <AgencyActModal
          agencyId={detail.agency.id}
          agencyName={detail.agency.name}
          kind={recording}
          onClose={() => setRecording(null)}
          onDone={() => {
            setRecording(null);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

interface ActValues {
  county: string | undefined;
  note: string;
  decided_by: string;
  decided_on: string;
}

const ACT_FIELDS: (keyof ActValues)[] = ['county', 'note', 'decided_by', 'decided_on'];

/** County-level divisions (区、县、市): six digits, not a city's or the province's code. */
function isCounty(code: string): boolean {
  return code.length === 6 && !code.endsWith('00');
}

function AgencyActModal({
  agencyId,
  agencyName,
  kind,
  onClose,
  onDone,
}: {
  agencyId: string;
  agencyName: string;
  kind: AgencyActKind;
  onClose: () => void;
  onDone: () => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<ActValues>();
  const notice = kind === 'practice_notice';
  const divisions = useLoad('divisions', () => api.listDivisions());
  const counties = (divisions.data ?? []).filter((d) => isCounty(d.code));
  const { saving, formError, save } = useFormSubmit(form, ACT_FIELDS, i18n, async (v) => {
    await api.recordAgencyAct({
      agency_id: agencyId,
      kind,
      county: notice ? (v.county ?? null) : null,
      note: v.note ?? '',
      decided_by: v.decided_by ?? '',
      decided_on: v.decided_on,
    });
    message.success(t('stSaved'));
    onDone();
  });

  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={`${l(AGENCY_ACT_KIND_LABELS[kind])}：${agencyName}`}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={l(AGENCY_ACT_KIND_LABELS[kind])}
      okButtonProps={{ danger: kind === 'platform_removal', 'data-testid': 'agency-act-submit' } as ButtonProps}
      width={560}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" initialValues={{ decided_on: todayIso() }}>
        {notice && (
          <Form.Item name="county" label={t('stCounty')} rules={[{ required: true, message: t('required') }]}>
            <Select
              data-testid="agency-act-county"
              showSearch={{ optionFilterProp: 'label' }}
              loading={divisions.loading}
              options={counties.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="note" label={notice ? t('stNoticeRef') : t('stReason')} rules={notice ? [] : required}>
          <Input.TextArea rows={notice ? 1 : 3} data-testid="agency-act-note" />
        </Form.Item>
        <Form.Item name="decided_by" label={t('stDecidedBy')} rules={required}>
          <Input data-testid="agency-act-by" />
        </Form.Item>
        <Form.Item name="decided_on" label={t('stDecidedOn')} rules={[{ required: true, message: t('required') }]}>
          <Input type="date" max={todayIso()} data-testid="agency-act-on" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
