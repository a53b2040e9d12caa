import { FileExcelOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Input, Row, Select, Statistic, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import type { HTMLAttributes } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { CoverageReport } from '../bindings/CoverageReport';
import type { CoverageRow } from '../bindings/CoverageRow';
import type { Division } from '../bindings/Division';
import type { Measure } from '../bindings/Measure';
import type { MeasureCoverage } from '../bindings/MeasureCoverage';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLoad } from '../hooks';
import { MEASURE_LABELS, useI18n } from '../i18n';
import type { TextKey } from '../i18n';
import { COLOR_UNMET, CoverageChart } from './CoverageChart';

const MEASURES: Measure[] = ['parks', 'production_small_micro', 'high_risk'];

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * R14 coverage: how many small/micro parks, production-type small/micro enterprises and
 * high-risk enterprises are under service, per district and township, against the targets.
 * A share under its target is red; "—" means there is nothing of that kind to count there.
 */
export function Coverage({ divisions }: { divisions: Division[] }) {
  const { t } = useI18n();
  const [date, setDate] = useState('');
  const [within, setWithin] = useState<string | null>(null);
  const load = useLoad(`coverage:${date}:${within ?? ''}`, () => api.coverage(date || null, within));
  const report = load.data;
  const districts = divisions.filter((d) => d.parent === null);

  return (
    <Flex vertical gap={16} data-testid="coverage" data-state={load.loading ? 'loading' : 'ready'}>
      <Card
        size="small"
        title={t('coverageTitle')}
        extra={
          <Flex gap={8} align="center" wrap>
            <Typography.Text type="secondary">{t('coverageDate')}</Typography.Text>
            <Input
              type="date"
              size="small"
              style={{ width: 150 }}
              value={date}
              onChange={(e) => setDate(e.target.value)}
              data-testid="coverage-date"
            />
            <Select
              size="small"
              style={{ width: 160 }}
              allowClear
              placeholder={t('coverageAllDivisions')}
              value={within}
              onChange={(v: string | undefined) => setWithin(v ?? null)}
              options={districts.map((d) => ({ value: d.code, label: d.name }))}
              data-testid="coverage-within"
            />
            <ExportButton date={date || null} within={within} />
          </Flex>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('coverageIntro')}
          {report &&
            ' ' +
              t('coverageTargets', {
                parks: report.rules.targets.parks,
                production: report.rules.targets.production_small_micro,
                highRisk: report.rules.targets.high_risk,
                park: report.rules.park_served_percent,
                day: report.day,
              })}
        </Typography.Paragraph>
      </Card>
      {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
      {report && <Totals report={report} />}
      {report && <Charts report={report} />}
      {report && <Tables report={report} loading={load.loading} />}
    </Flex>
  );
}

function ExportButton({ date, within }: { date: string | null; within: string | null }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const run = async () => {
    setBusy(true);
    setWritten(null);
    setError(null);
    try {
      setWritten(await api.exportCoverage(null, date, within));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" icon={<FileExcelOutlined />} loading={busy} onClick={() => void run()} data-testid="export-coverage">
        {t('coverageExport')}
      </Button>
      {written && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setWritten(null) }}
          data-testid="coverage-exported"
          data-path={written}
          title={
            <>
              {t('coverageExported')}{' '}
              <Typography.Text code copyable>
                {written}
              </Typography.Text>
            </>
          }
        />
      )}
      {error && <ErrorAlert error={error} />}
    </>
  );
}

/** The whole scope, one figure per measure. */
function Totals({ report }: { report: CoverageReport }) {
  const { t, l } = useI18n();
  return (
    <Row gutter={16}>
      {MEASURES.map((m) => {
        const c = report.total[m];
        return (
          <Col span={8} key={m}>
            <Card
              size="small"
              data-testid={`coverage-total-${m}`}
              data-served={c.served}
              data-total={c.total}
              data-share={c.share ?? ''}
              data-attainment={c.attainment}
            >
              <Statistic
                title={`${l(MEASURE_LABELS[m])} · ${t('coverageTarget')} ${c.target_percent}%`}
                value={c.share === null ? t('none') : percent(c.share)}
                styles={{ content: { color: c.attainment === 'unmet' ? COLOR_UNMET : undefined } }}
                suffix={
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {c.served}/{c.total} {attainmentText(c, t)}
                  </Typography.Text>
                }
              />
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

function attainmentText(c: MeasureCoverage, t: (k: TextKey) => string): string {
  switch (c.attainment) {
    case 'met':
      return t('coverageMet');
    case 'unmet':
      return t('coverageBelowTarget');
    case 'none_to_count':
      return t('coverageNoneToCount');
  }
}

function Charts({ report }: { report: CoverageReport }) {
  const { t, l } = useI18n();
  const charts = useMemo(
    () =>
      MEASURES.map((m) => ({
        measure: m,
        target: report.rules.targets[m],
        bars: report.districts.map((d) => ({
          name: d.name,
          percent: d[m].share === null ? null : d[m].share * 100,
          served: d[m].served,
          total: d[m].total,
          unmet: d[m].attainment === 'unmet',
        })),
      })),
    [report],
  );
  return (
    <Row gutter={16}>
      {charts.map((c) => (
        <Col span={8} key={c.measure}>
          <Card size="small">
            <CoverageChart
              testId={`coverage-chart-${c.measure}`}
              title={t('coverageChartTitle', { measure: l(MEASURE_LABELS[c.measure]) })}
              bars={c.bars}
              targetPercent={c.target}
              targetLabel={t('coverageTargetLine', { n: c.target })}
              noneLabel={t('coverageNoneToCount')}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function Tables({ report, loading }: { report: CoverageReport; loading: boolean }) {
  const { t } = useI18n();
  const districtName = useMemo(() => new Map(report.districts.map((d) => [d.code, d.name])), [report]);
  const total: CoverageRow = { ...report.total, name: t('coverageTotal') };
  return (
    <>
      <Card size="small" title={t('coverageDistricts')}>
        <DivisionTable testId="coverage-districts" rows={[...report.districts, total]} loading={loading} />
      </Card>
      <Card size="small" title={t('coverageTownships')}>
        <DivisionTable
          testId="coverage-townships"
          rows={report.townships}
          loading={loading}
          parentName={(r) => (r.parent ? (districtName.get(r.parent) ?? r.parent) : '')}
        />
      </Card>
    </>
  );
}

function MeasureCell({ row, measure }: { row: CoverageRow; measure: Measure }) {
  const { t } = useI18n();
  const c = row[measure];
  return (
    <span
      data-testid={`coverage-cell-${row.code || 'total'}-${measure}`}
      data-served={c.served}
      data-total={c.total}
      data-share={c.share ?? ''}
      data-attainment={c.attainment}
      style={{ color: c.attainment === 'unmet' ? COLOR_UNMET : undefined, whiteSpace: 'nowrap' }}
    >
      {c.share === null ? (
        <Typography.Text type="secondary">{t('none')}</Typography.Text>
      ) : (
        <>
          {c.served}/{c.total} · <b>{percent(c.share)}</b>
        </>
      )}
    </span>
  );
}

function DivisionTable({
  testId,
  rows,
  loading,
  parentName,
}: {
  testId: string;
  rows: CoverageRow[];
  loading: boolean;
  parentName?: (r: CoverageRow) => string;
}) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<CoverageRow> = [
    { key: 'name', title: t('coverageDivision'), width: 150, fixed: 'left', render: (_, r) => (r.code ? r.name : <b>{r.name}</b>) },
    ...(parentName ? [{ key: 'parent', title: t('coverageDistrict'), width: 100, render: (_: unknown, r: CoverageRow) => parentName(r) }] : []),
    ...MEASURES.map((m) => ({
      key: m,
      title: `${l(MEASURE_LABELS[m])}（${t('coverageTarget')} ${rows[0]?.[m].target_percent ?? ''}%）`,
      render: (_: unknown, r: CoverageRow) => <MeasureCell row={r} measure={m} />,
    })),
  ];
  return (
    <div data-testid={testId} data-rows={rows.length}>
      <Table<CoverageRow>
        size="small"
        rowKey={(r) => r.code || 'total'}
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({ 'data-testid': `${testId}-row`, 'data-code': r.code || 'total' }) as HTMLAttributes<HTMLElement>}
      />
    </div>
  );
}
