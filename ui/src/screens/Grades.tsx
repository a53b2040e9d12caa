import { App as AntApp, Button, Card, Drawer, Flex, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { Grade } from '../bindings/Grade';
import type { GradedAgency } from '../bindings/GradedAgency';
import { AgencyGradeHistory, DeductionList } from '../components/AgencyGradeHistory';
import { DEDUCTION_KIND_LABELS } from '../i18n';
import { BlacklistTag, GradeTag, RemovalTag } from '../components/AgencyTags';
import { CapabilityPassRates } from '../components/CapabilityPassRates';
import { ErrorAlert } from '../components/ErrorAlert';
import { ScreenHeader } from '../components/ScreenHeader';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useNav } from '../nav';
import { useSession } from '../session';

const GRADES: Grade[] = ['A', 'B', 'C', 'D'];

/**
 * 信用评级 (R10): today's ranking with each agency's grade, score and main deductions; 重新评级
 * records the grades that changed; a row opens the agency's history with the reasons; 导出 Excel
 * writes the publishable ranking. Below, capability-test pass rates per agency and quarter (R12).
 */
export function Grades() {
  const { t, l, m } = useI18n();
  const { may } = useSession();
  const nav = useNav();
  const { message } = AntApp.useApp();
  const [nonce, setNonce] = useState(0);
  const ranking = useLoad(`ranking:${nonce}`, () => api.ranking());
  const rules = useLoad('rules', () => api.gradeRules());
  const rates = useLoad('rates', () => api.capabilityPassRates(null));
  const [filter, setFilter] = useState<Grade | null>(null);
  const [busy, setBusy] = useState<null | 'grade' | 'export'>(null);
  const [open, setOpen] = useState<GradedAgency | null>(null);
  const history = useLoad(`history:${open?.agency_id ?? ''}:${nonce}`, () =>
    open ? api.gradeHistory(open.agency_id) : Promise.resolve([]),
  );

  const regrade = async () => {
    setBusy('grade');
    try {
      const graded = await api.gradeAgencies();
      message.success(t('grRegraded', { n: graded.filter((a) => a.changed).length }));
      setNonce((n) => n + 1);
    } catch (e) {
      message.error(m(toCommandError(e).message));
    } finally {
      setBusy(null);
    }
  };

  const exportXlsx = async () => {
    setBusy('export');
    try {
      const path = await api.exportRanking(null);
      message.success(t('grExported', { path }));
    } catch (e) {
      message.error(m(toCommandError(e).message));
    } finally {
      setBusy(null);
    }
  };

  const rows = (ranking.data ?? []).filter((a) => filter === null || a.grade === filter);
  const columns: TableColumnsType<GradedAgency> = [
    { key: 'rank', title: t('grColRank'), dataIndex: 'rank', width: 70, align: 'right' },
    {
      key: 'grade',
      title: t('grColGrade'),
      width: 130,
      render: (_, a) => (
        <>
          <GradeTag grade={a.grade} />
          <BlacklistTag blacklisted={a.blacklisted} />
          <RemovalTag removal={a.removal} />
        </>
      ),
    },
    { key: 'score', title: t('grColScore'), width: 80, align: 'right', render: (_, a) => a.score.toFixed(2) },
    {
      key: 'name',
      title: t('grColAgency'),
      ellipsis: true,
      render: (_, a) => (
        <Typography.Link
          data-testid="grade-agency-link"
          onClick={(e) => {
            e.stopPropagation();
            nav.go({ name: 'agency', id: a.agency_id });
          }}
        >
          {a.name}
        </Typography.Link>
      ),
    },
    {
      key: 'deductions',
      title: t('grColDeductions'),
      render: (_, a) => (
        <>
          {a.deductions
            .filter((d) => d.points < 0)
            .sort((x, y) => x.points - y.points)
            .slice(0, 3)
            .map((d) => (
              <Tag key={d.kind}>
                {l(DEDUCTION_KIND_LABELS[d.kind])} {d.points}
              </Tag>
            ))}
          {a.changed && (
            <Tag color="gold" data-testid="grade-pending">
              {t('grPending', { from: a.previous ?? t('grUngraded'), to: a.grade })}
            </Tag>
          )}
        </>
      ),
    },
  ];

  return (
    <div data-testid="grades">
      <ScreenHeader
        title={t('grTitle')}
        extra={
          <>
            <Button type="primary" loading={busy === 'grade'} onClick={regrade} disabled={!may('grade')} data-testid="grades-regrade">
              {t('grRegrade')}
            </Button>
            <Button loading={busy === 'export'} onClick={exportXlsx} data-testid="grades-export">
              {t('grExport')}
            </Button>
          </>
        }
      />
      {rules.data && (
        <Typography.Paragraph type="secondary" data-testid="grade-rules">
          {t('grRules', { rules: rules.data[0] })} · {t('grLines', { a: rules.data[1].a, b: rules.data[1].b, c: rules.data[1].c })}
        </Typography.Paragraph>
      )}
      <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
        <Select<Grade | 'all'>
          value={filter ?? 'all'}
          style={{ width: 160 }}
          data-testid="grade-filter"
          onChange={(v) => setFilter(v === 'all' ? null : v)}
          options={[
            { value: 'all', label: t('grAllGrades') },
            ...GRADES.map((g) => ({ value: g, label: `${g} (${(ranking.data ?? []).filter((a) => a.grade === g).length})` })),
          ]}
        />
      </Flex>
      {ranking.error && (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={ranking.error} onRetry={ranking.reload} />
        </div>
      )}
      <div data-testid="grade-table" data-state={ranking.loading ? 'loading' : 'ready'} data-count={rows.length}>
        <Table<GradedAgency>
          size="small"
          rowKey="agency_id"
          columns={columns}
          dataSource={rows}
          loading={ranking.loading && !ranking.data}
          scroll={{ y: 'calc(100vh - 420px)' }}
          pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
          onRow={(a) =>
            ({
              'data-testid': 'grade-row',
              'data-id': a.agency_id,
              'data-grade': a.grade,
              style: { cursor: 'pointer' },
              onClick: () => setOpen(a),
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </div>

      <Card size="small" title={t('grPassRates')} style={{ marginTop: 16 }}>
        {rates.error ? <ErrorAlert error={rates.error} onRetry={rates.reload} /> : rates.data ? <CapabilityPassRates rates={rates.data} /> : null}
      </Card>

      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        size="large"
        title={open ? `${open.name} · ${open.grade} · ${open.score.toFixed(2)}` : ''}
        data-testid="grade-history-drawer"
      >
        {open && (
          <Flex vertical gap={16}>
            <DeductionList deductions={open.deductions} />
            <Typography.Title level={5}>{t('grHistory')}</Typography.Title>
            {history.error ? <ErrorAlert error={history.error} onRetry={history.reload} /> : <AgencyGradeHistory history={history.data ?? []} />}
          </Flex>
        )}
      </Drawer>
    </div>
  );
}
