import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import type { HTMLAttributes } from 'react';
import { api } from '../api';
import type { AgencySummary } from '../bindings/AgencySummary';
import { AgencyFormModal } from '../components/AgencyFormModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { SearchInput } from '../components/SearchInput';
import { R1Status } from '../components/R1Status';
import { useSearch } from '../hooks';
import { useI18n } from '../i18n';
import { useNav } from '../nav';
import { useSession } from '../session';

/** The agency register; an empty search lists the newest agencies. */
export function Agencies({ text, onTextChange }: { text: string; onTextChange: (text: string) => void }) {
  const { t } = useI18n();
  const nav = useNav();
  const query = text.trim();
  const search = useSearch(query, () => api.searchAgencies(query));
  const { may } = useSession();
  const [adding, setAdding] = useState(false);

  const columns: TableColumnsType<AgencySummary> = [
    { key: 'name', title: t('colName'), dataIndex: 'name', ellipsis: true },
    { key: 'credit_code', title: t('colCreditCode'), dataIndex: 'credit_code', width: 190 },
    { key: 'division', title: t('colDivision'), dataIndex: 'division_name', width: 190, ellipsis: true },
    { key: 'staff', title: t('colStaffCount'), dataIndex: 'staff_count', width: 80, align: 'right' },
    { key: 'r1', title: t('colR1'), width: 240, render: (_, a) => <R1Status agency={a} /> },
  ];

  return (
    <div data-testid="agencies">
      <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
        <SearchInput
          testId="agency-search"
          placeholder={t('agencySearchPlaceholder')}
          value={text}
          onChange={onTextChange}
          width={340}
        />
        {may('edit_registers') && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="agency-new">
            {t('agNew')}
          </Button>
        )}
      </Flex>
      {adding && (
        <AgencyFormModal
          detail={null}
          onClose={() => setAdding(false)}
          onSaved={(id) => {
            setAdding(false);
            nav.go({ name: 'agency', id });
          }}
        />
      )}

      {search.error && (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={search.error} onRetry={search.reload} />
        </div>
      )}

      <div data-testid="agency-table" data-state={search.state} data-count={search.results.length}>
        <Table<AgencySummary>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={search.results}
          loading={!search.loadedOnce}
          locale={{ emptyText: t('noResults') }}
          scroll={{ y: 'calc(100vh - 290px)' }}
          pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
          onRow={(a) =>
            ({
              'data-testid': 'agency-row',
              'data-id': a.id,
              style: { cursor: 'pointer' },
              onClick: () => nav.go({ name: 'agency', id: a.id }),
            }) as HTMLAttributes<HTMLElement>
          }
        />
        {search.loadedOnce && (
          <Typography.Text type="secondary">{t('resultCount', { n: search.results.length })}</Typography.Text>
        )}
      </div>
    </div>
  );
}
