import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { PassRates } from '../bindings/PassRates';
import type { QuarterPassRate } from '../bindings/QuarterPassRate';
import { useI18n } from '../i18n';

interface Row {
  key: string;
  name: string;
  byQuarter: Map<string, QuarterPassRate>;
}

/**
 * Capability-test pass rates (R12): a row for everyone and one per agency, a column per quarter
 * (the latest `quarters`), each cell the share passing with passed/tested.
 */
export function CapabilityPassRates({ rates, quarters = 6, testId = 'pass-rates' }: { rates: PassRates; quarters?: number; testId?: string }) {
  const { t } = useI18n();
  const all = [...new Set([...rates.overall.map((q) => q.quarter), ...rates.agencies.flatMap((a) => a.quarters.map((q) => q.quarter))])]
    .sort()
    .slice(-quarters);
  const rows: Row[] = [
    { key: 'overall', name: t('grOverall'), byQuarter: new Map(rates.overall.map((q) => [q.quarter, q])) },
    ...rates.agencies.map((a) => ({ key: a.agency_id, name: a.agency_name, byQuarter: new Map(a.quarters.map((q) => [q.quarter, q])) })),
  ];
  const cell = (q: QuarterPassRate | undefined) =>
    q ? (
      <Typography.Text type={q.rate < 0.6 ? 'danger' : undefined} data-testid="pass-rate" data-rate={q.rate.toFixed(4)}>
        {t('grRateCell', { rate: `${(q.rate * 100).toFixed(1)}%`, passed: q.passed, tested: q.tested })}
      </Typography.Text>
    ) : (
      <Typography.Text type="secondary">{t('none')}</Typography.Text>
    );
  const columns: TableColumnsType<Row> = [
    { key: 'name', title: t('grColAgency'), dataIndex: 'name', ellipsis: true, width: 260, fixed: 'left' },
    ...all.map((quarter) => ({ key: quarter, title: quarter, width: 140, render: (_: unknown, r: Row) => cell(r.byQuarter.get(quarter)) })),
  ];
  return (
    <div data-testid={testId} data-count={rates.agencies.length}>
      <Table<Row>
        size="small"
        rowKey="key"
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content', y: 360 }}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        onRow={(r) => ({ 'data-testid': 'pass-rate-row', 'data-id': r.key }) as React.HTMLAttributes<HTMLElement>}
      />
    </div>
  );
}
