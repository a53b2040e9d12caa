import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useRef } from 'react';
import type { HTMLAttributes } from 'react';
import { api, toCommandError } from '../api';
import type { VisitSummary } from '../bindings/VisitSummary';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLoad } from '../hooks';
import { VISIT_KIND_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';
import { useSession } from '../session';

/** Visits: the unfinished ones first, to resume after a restart, then the newest. */
export function Visits() {
  const { t } = useI18n();
  const { may } = useSession();
  const load = useLoad('visits', async () => {
    const [unfinished, recent] = await Promise.all([api.unfinishedVisits(), api.recentVisits()]);
    return { unfinished, recent };
  });
  if (load.error) return <ErrorAlert error={load.error} onRetry={load.reload} />;
  return (
    <Flex vertical gap={16} data-testid="visits" data-state={load.loading ? 'loading' : 'ready'}>
      <Card size="small" title={t('unfinishedVisits')} extra={may('import_template') && <ImportTemplate />}>
        <VisitTable visits={load.data?.unfinished ?? []} loading={load.loading} rowTestId="unfinished-visit" />
      </Card>
      <Card size="small" title={t('recentVisits')}>
        <VisitTable visits={load.data?.recent ?? []} loading={load.loading} rowTestId="visit-row" />
      </Card>
    </Flex>
  );
}

/**
 * Imports a checklist file (JSON, see assets/templates/README.md); every problem is listed. The
 * edition is published to every laptop at the next sync; supervisors and administrators only
 * (the Rust command checks the role).
 */
function ImportTemplate() {
  const { t, m } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const read = async (file: File) => {
    try {
      const [tpl, isNew] = await api.importTemplate(await file.text());
      message.success(t(isNew ? 'templateImported' : 'templateAlreadyThere', { title: tpl.title, version: tpl.version }));
    } catch (e) {
      message.error({ content: m(toCommandError(e).message), duration: 10 });
    }
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        style={{ display: 'none' }}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void read(f);
          e.target.value = '';
        }}
      />
      <Button size="small" icon={<UploadOutlined />} onClick={() => input.current?.click()}>
        {t('importTemplate')}
      </Button>
    </>
  );
}

export function VisitTable({ visits, loading, rowTestId }: { visits: VisitSummary[]; loading?: boolean; rowTestId: string }) {
  const { t, l } = useI18n();
  const nav = useNav();
  const columns: TableColumnsType<VisitSummary> = [
    { key: 'when', title: t('colWhen'), width: 150, render: (_, v) => v.started_at.slice(0, 16).replace('T', ' ') },
    { key: 'kind', title: t('colKind'), width: 110, render: (_, v) => l(VISIT_KIND_LABELS[v.kind]) },
    { key: 'target', title: t('colTarget'), dataIndex: 'target_name' },
    { key: 'people', title: t('colPeople'), width: 150, render: (_, v) => v.people.join('、') },
    {
      key: 'hazards',
      title: t('colHazardCount'),
      width: 130,
      render: (_, v) => (
        <>
          <Tag color={v.hazards_major > 0 ? 'red' : undefined}>{v.hazards_major}</Tag>
          <Tag>{v.hazards_general}</Tag>
        </>
      ),
    },
    {
      key: 'open',
      width: 80,
      render: (_, v) => (
        <Button size="small" type={v.ended_at ? 'default' : 'primary'} onClick={() => nav.go({ name: 'visit', id: v.id })}>
          {v.ended_at ? t('open') : t('resume')}
        </Button>
      ),
    },
  ];
  return (
    <Table<VisitSummary>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={visits}
      loading={loading}
      pagination={visits.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noVisits')} /> }}
      onRow={(v) => ({ 'data-testid': rowTestId, 'data-id': v.id }) as HTMLAttributes<HTMLElement>}
    />
  );
}
