import { Alert, Button, Card, Descriptions, Empty, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import type { AgencyDetail } from '../bindings/AgencyDetail';
import type { EvaluationView } from '../bindings/EvaluationView';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { BlacklistEnterModal, BlacklistLiftModal } from './AgencyBlacklistModals';
import { AgencyEvaluationModal } from './AgencyEvaluationModal';
import { AgencyGradeHistory } from './AgencyGradeHistory';
import { BLACKLIST_GROUND_LABELS, RATER_KIND_LABELS } from '../i18n';
import { BlacklistTag, GradeTag } from './AgencyTags';
import { CapabilityPassRates } from './CapabilityPassRates';
import { CapabilityTestModal } from './CapabilityTestModal';
import { ErrorAlert } from './ErrorAlert';
import { useSession } from '../session';

/**
 * An agency's supervision record on its detail screen: credit grade and its history with the
 * reasons (R10), the serious-dishonesty list with enter and lift (R11), ratings (R13), and
 * capability-test pass rates with a form to record a result (R12). `onChanged` reloads the
 * agency, whose grade and list state show in its header.
 */
export function AgencyGradeCard({ detail, onChanged }: { detail: AgencyDetail; onChanged: () => void }) {
  const { t, l, m } = useI18n();
  const { may } = useSession();
  const a = detail.agency;
  const [nonce, setNonce] = useState(0);
  const key = `${a.id}:${nonce}`;
  const history = useLoad(key, () => api.gradeHistory(a.id));
  const evaluations = useLoad(key, () => api.agencyEvaluations(a.id));
  const rates = useLoad(key, () => api.capabilityPassRates(a.id));
  const [modal, setModal] = useState<null | 'enter' | 'evaluate' | 'capability' | { lift: string }>(null);
  const changed = () => {
    setModal(null);
    setNonce((n) => n + 1);
    onChanged();
  };

  const enterprises: [string, string][] = [];
  for (const c of detail.contracts) {
    if (!enterprises.some(([id]) => id === c.enterprise_id)) enterprises.push([c.enterprise_id, c.enterprise_name]);
  }
  const latest = history.data?.[0];
  const evs = evaluations.data ?? [];
  const avg = evs.length ? evs.reduce((s, e) => s + (e.quality + e.timeliness + e.fees) / 3, 0) / evs.length : null;

  const evColumns: TableColumnsType<EvaluationView> = [
    { key: 'on', title: t('evRatedOn'), dataIndex: 'rated_on', width: 110 },
    { key: 'kind', title: t('evRaterKind'), width: 110, render: (_, e) => l(RATER_KIND_LABELS[e.rater_kind]) },
    { key: 'rater', title: t('evRater'), width: 160, ellipsis: true, render: (_, e) => (e.enterprise_name ? `${e.enterprise_name} · ${e.rater}` : e.rater) },
    { key: 'q', title: t('evQuality'), dataIndex: 'quality', width: 80, align: 'right' },
    { key: 't', title: t('evTimeliness'), dataIndex: 'timeliness', width: 80, align: 'right' },
    { key: 'f', title: t('evFees'), dataIndex: 'fees', width: 70, align: 'right' },
    { key: 'note', title: t('evNote'), dataIndex: 'note', ellipsis: true },
  ];

  return (
    <Card
      size="small"
      title={t('grCard')}
      data-testid="agency-grade-card"
      data-grade={a.grade ?? ''}
      data-blacklisted={a.blacklisted}
      extra={
        <Flex gap={8}>
          {may('evaluate') && (
            <Button size="small" onClick={() => setModal('evaluate')} data-testid="evaluation-add">
              {t('evAdd')}
            </Button>
          )}
          {may('capability_test') && (
            <Button size="small" onClick={() => setModal('capability')} disabled={detail.staff.length === 0} data-testid="capability-record">
              {t('capRecord')}
            </Button>
          )}
          {may('blacklist') && (
            <Button size="small" danger onClick={() => setModal('enter')} data-testid="blacklist-enter">
              {t('blEnter')}
            </Button>
          )}
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            {
              key: 'grade',
              label: t('grColGrade'),
              children: (
                <>
                  <GradeTag grade={a.grade} />
                  <BlacklistTag blacklisted={a.blacklisted} />
                </>
              ),
            },
            { key: 'score', label: t('grColScore'), children: latest ? latest.score.toFixed(2) : t('none') },
            { key: 'eval', label: t('evTitle'), children: avg === null ? t('evEmpty') : t('evAverage', { avg: avg.toFixed(2), n: evs.length }) },
          ]}
        />
        {detail.commission_barrier && (
          <Alert type="error" showIcon data-testid="commission-barrier" title={t('grBarrier')} description={m(detail.commission_barrier)} />
        )}

        <div data-testid="agency-blacklist" data-count={detail.blacklist.length}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('blTitle')}
          </Typography.Title>
          {detail.blacklist.length === 0 ? (
            <Typography.Text type="secondary">{t('blNotListed')}</Typography.Text>
          ) : (
            detail.blacklist.map((e) => (
              <Alert
                key={e.id}
                type="error"
                data-testid="blacklist-entry"
                data-id={e.id}
                data-ground={e.ground}
                style={{ marginBottom: 8 }}
                title={
                  <Flex gap={8} align="center" wrap>
                    <Tag color="red">{l(BLACKLIST_GROUND_LABELS[e.ground])}</Tag>
                    <Typography.Text type="secondary">{t('blEntryLine', { date: e.entered_on, by: e.entered_by })}</Typography.Text>
                  </Flex>
                }
                description={e.evidence}
                action={
                  may('blacklist') && (
                    <Button size="small" onClick={() => setModal({ lift: e.id })} data-testid="blacklist-lift">
                      {t('blLift')}
                    </Button>
                  )
                }
              />
            ))
          )}
        </div>

        <div>
          <Typography.Title level={5}>{t('grHistory')}</Typography.Title>
          {history.error ? <ErrorAlert error={history.error} onRetry={history.reload} /> : <AgencyGradeHistory history={history.data ?? []} />}
        </div>

        <div data-testid="agency-evaluations" data-count={evs.length}>
          <Typography.Title level={5}>{t('evTitle')}</Typography.Title>
          {evaluations.error ? (
            <ErrorAlert error={evaluations.error} onRetry={evaluations.reload} />
          ) : evs.length === 0 ? (
            <Empty description={t('evEmpty')} />
          ) : (
            <Table<EvaluationView>
              size="small"
              rowKey="id"
              columns={evColumns}
              dataSource={evs}
              pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
            />
          )}
        </div>

        <div>
          <Typography.Title level={5}>{t('grPassRates')}</Typography.Title>
          {rates.error ? (
            <ErrorAlert error={rates.error} onRetry={rates.reload} />
          ) : rates.data ? (
            <CapabilityPassRates rates={rates.data} testId="agency-pass-rates" />
          ) : null}
        </div>
      </Flex>

      {modal === 'enter' && (
        <BlacklistEnterModal subjectKind="agency" subjectId={a.id} subjectName={a.name} onClose={() => setModal(null)} onDone={changed} />
      )}
      {modal !== null && typeof modal === 'object' && (
        <BlacklistLiftModal entryId={modal.lift} onClose={() => setModal(null)} onDone={changed} />
      )}
      {modal === 'evaluate' && (
        <AgencyEvaluationModal agencyId={a.id} enterprises={enterprises} onClose={() => setModal(null)} onAdded={changed} />
      )}
      {modal === 'capability' && (
        <CapabilityTestModal
          people={detail.staff.map((p) => [p.id, p.name] as [string, string])}
          onClose={() => setModal(null)}
          onRecorded={changed}
        />
      )}
    </Card>
  );
}
