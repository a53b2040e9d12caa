import { PlusOutlined } from '@ant-design/icons';
import { Button, Cascader, Flex, Select, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { HTMLAttributes } from 'react';
import { api } from '../api';
import type { Division } from '../bindings/Division';
import type { EnterpriseQuery } from '../bindings/EnterpriseQuery';
import type { EnterpriseSummary } from '../bindings/EnterpriseSummary';
import type { Industry } from '../bindings/Industry';
import { ErrorAlert } from '../components/ErrorAlert';
import { SearchInput } from '../components/SearchInput';
import { divisionOfPath, divisionOptions } from '../divisions';
import { useSearch } from '../hooks';
import { INDUSTRY_LABELS, ENTERPRISE_SIZE_LABELS, keysOf, useI18n } from '../i18n';
import { useNav } from '../nav';

// The form loads on first use, keeping it out of the start-up bundle.
const NewEnterpriseModal = lazy(() => import('./NewEnterpriseModal').then((m) => ({ default: m.NewEnterpriseModal })));

/** Kept by the app shell so the list looks the same after coming back from a file. */
export interface EnterpriseFilters {
  text: string;
  divisionPath: string[];
  industry: Industry | null;
  highRiskOnly: boolean;
}

export const EMPTY_ENTERPRISE_FILTERS: EnterpriseFilters = { text: '', divisionPath: [], industry: null, highRiskOnly: false };

// Enough to cover a township's register; narrowing the search is quicker than paging further.
const RESULT_LIMIT = 100;
const PAGE_SIZE = 20;

export function Enterprises({
  filters,
  onFiltersChange,
  divisions,
  onRegisterChanged,
}: {
  filters: EnterpriseFilters;
  onFiltersChange: (f: EnterpriseFilters) => void;
  divisions: Division[];
  onRegisterChanged: () => void;
}) {
  const { t, l } = useI18n();
  const nav = useNav();
  const [adding, setAdding] = useState(false);
  const [page, setPage] = useState(1);

  const query: EnterpriseQuery = {
    text: filters.text.trim(),
    division: divisionOfPath(filters.divisionPath),
    industry: filters.industry,
    high_risk_only: filters.highRiskOnly,
    limit: RESULT_LIMIT,
  };
  const key = JSON.stringify(query);
  const search = useSearch(key, () => api.searchEnterprises(query));

  useEffect(() => setPage(1), [key]);

  const options = useMemo(() => divisionOptions(divisions), [divisions]);
  const set = (patch: Partial<EnterpriseFilters>) => onFiltersChange({ ...filters, ...patch });

  const columns: TableColumnsType<EnterpriseSummary> = [
    { key: 'name', title: t('colName'), dataIndex: 'name', ellipsis: true },
    { key: 'credit_code', title: t('colCreditCode'), dataIndex: 'credit_code', width: 190 },
    { key: 'division', title: t('colDivision'), dataIndex: 'division_name', width: 190, ellipsis: true },
    {
      key: 'industry',
      title: t('colIndustry'),
      width: 170,
      render: (_, e) => (
        <>
          {l(INDUSTRY_LABELS[e.industry])}
          {e.high_risk && (
            <Tag color="red" style={{ marginInlineStart: 6 }} data-testid="high-risk-tag">
              {t('highRisk')}
            </Tag>
          )}
        </>
      ),
    },
    { key: 'size', title: t('colSize'), width: 70, render: (_, e) => l(ENTERPRISE_SIZE_LABELS[e.size]) },
    { key: 'park', title: t('colPark'), width: 160, ellipsis: true, render: (_, e) => e.park ?? t('none') },
  ];

  return (
    <div data-testid="enterprises">
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <SearchInput
          testId="enterprise-search"
          placeholder={t('enterpriseSearchPlaceholder')}
          value={filters.text}
          onChange={(text) => set({ text })}
          width={300}
        />
        <Cascader
          data-testid="enterprise-division-filter"
          options={options}
          changeOnSelect
          allowClear
          showSearch
          placeholder={t('filterDivision')}
          value={filters.divisionPath}
          onChange={(path) => set({ divisionPath: (path ?? []).map(String) })}
          style={{ width: 230 }}
        />
        <Select<Industry>
          data-testid="enterprise-industry-filter"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('filterIndustry')}
          value={filters.industry ?? undefined}
          onChange={(v) => set({ industry: v ?? null })}
          options={keysOf(INDUSTRY_LABELS).map((k) => ({ value: k, label: l(INDUSTRY_LABELS[k]) }))}
          style={{ width: 170 }}
        />
        <Flex align="center" gap={6}>
          <Switch
            data-testid="enterprise-high-risk-filter"
            checked={filters.highRiskOnly}
            onChange={(v) => set({ highRiskOnly: v })}
          />
          <span>{t('highRiskOnly')}</span>
        </Flex>
        <div style={{ flex: 1 }} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-enterprise">
          {t('addEnterprise')}
        </Button>
      </Flex>

      {search.error && (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={search.error} onRetry={search.reload} />
        </div>
      )}

      <div data-testid="enterprise-table" data-state={search.state} data-count={search.results.length}>
        <Table<EnterpriseSummary>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={search.results}
          loading={!search.loadedOnce}
          locale={{ emptyText: t('noResults') }}
          scroll={{ y: 'calc(100vh - 290px)' }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            showSizeChanger: false,
            hideOnSinglePage: true,
            onChange: setPage,
          }}
          onRow={(e) =>
            ({
              'data-testid': 'enterprise-row',
              'data-id': e.id,
              style: { cursor: 'pointer' },
              onClick: () => nav.go({ name: 'enterprise', id: e.id }),
            }) as HTMLAttributes<HTMLElement>
          }
        />
        {search.loadedOnce && (
          <Typography.Text type="secondary">
            {search.results.length >= RESULT_LIMIT
              ? t('resultLimited', { n: RESULT_LIMIT })
              : t('resultCount', { n: search.results.length })}
          </Typography.Text>
        )}
      </div>

      {adding && (
        <Suspense fallback={null}>
      <NewEnterpriseModal
        open={adding}
        divisions={divisions}
        onClose={() => setAdding(false)}
        onAdded={(e) => {
          setAdding(false);
          search.reload();
          onRegisterChanged();
          nav.go({ name: 'enterprise', id: e.id });
        }}
      />
        </Suspense>
      )}
    </div>
  );
}
