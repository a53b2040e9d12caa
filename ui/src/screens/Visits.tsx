import { FileExcelOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, DatePicker, Empty, Flex, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import type { HTMLAttributes } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Division } from '../bindings/Division';
import type { RecordFilter } from '../bindings/RecordFilter';
import type { RecordKind } from '../bindings/RecordKind';
import type { VisitKind } from '../bindings/VisitKind';
import type { VisitSummary } from '../bindings/VisitSummary';
import { ErrorAlert } from '../components/ErrorAlert';
import { Written } from '../components/Written';
import { useLoad } from '../hooks';
import { VISIT_KIND_LABELS, keysOf, useI18n } from '../i18n';
import { useNav } from '../nav';
import { useSession } from '../session';

/** Visits: the unfinished ones first, to resume after a restart, then the newest, then the ledgers. */
export function Visits({ divisions }: { divisions: Division[] }) {
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
      <RecordLedgers divisions={divisions} />
    </Flex>
  );
}

/**
 * 检查与隐患台账: visits chosen by date range, district, kind and major hazards, listed here and
 * written to a workbook by the same filter (Rust reads it again; the export checks the role).
 */
function RecordLedgers({ divisions }: { divisions: Division[] }) {
  const { t, l } = useI18n();
  const { may } = useSession();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [within, setWithin] = useState<string | null>(null);
  const [kind, setKind] = useState<VisitKind | null>(null);
  const [majorOnly, setMajorOnly] = useState(false);
  const [busy, setBusy] = useState<RecordKind | null>(null);
  const [written, setWritten] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const filter: RecordFilter = {
    from: range?.[0]?.format('YYYY-MM-DD') ?? null,
    to: range?.[1]?.format('YYYY-MM-DD') ?? null,
    within,
    kind,
    major_only: majorOnly,
  };
  const found = useLoad(`records\u0000${JSON.stringify(filter)}`, () => api.findVisits(filter));
  const run = async (what: RecordKind) => {
    setBusy(what);
    setWritten(null);
    setError(null);
    try {
      setWritten(await api.exportRecords(what, filter, null));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };
  const page = found.data;
  return (
    <Card size="small" title={t('rlTitle')} data-testid="record-ledgers" data-state={found.loading ? 'loading' : 'ready'}>
      <Flex vertical gap={12}>
        <Flex gap={8} wrap align="center">
          <span data-testid="records-range">
            <DatePicker.RangePicker
              size="small"
              value={range}
              onChange={(v) => setRange(v)}
              placeholder={[t('rlFrom'), t('rlTo')]}
              allowEmpty={[true, true]}
            />
          </span>
          <Select
            size="small"
            style={{ width: 140 }}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('imLedgerWithin')}
            value={within}
            onChange={(v: string | undefined) => setWithin(v ?? null)}
            options={divisions.filter((d) => d.parent === null).map((d) => ({ value: d.code, label: d.name }))}
            data-testid="records-within"
          />
          <Select
            size="small"
            style={{ width: 140 }}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('rlKind')}
            value={kind}
            onChange={(v: VisitKind | undefined) => setKind(v ?? null)}
            options={keysOf(VISIT_KIND_LABELS).map((k) => ({ value: k, label: l(VISIT_KIND_LABELS[k]) }))}
            data-testid="records-kind"
          />
          <Checkbox checked={majorOnly} onChange={(e) => setMajorOnly(e.target.checked)} data-testid="records-major">
            {t('rlMajorOnly')}
          </Checkbox>
          {may('export') && (
            <>
              <Button
                size="small"
                icon={<FileExcelOutlined />}
                loading={busy === 'visits'}
                onClick={() => void run('visits')}
                data-testid="records-export-visits"
              >
                {t('rlExportVisits')}
              </Button>
              <Button
                size="small"
                icon={<FileExcelOutlined />}
                loading={busy === 'hazards'}
                onClick={() => void run('hazards')}
                data-testid="records-export-hazards"
              >
                {t('rlExportHazards')}
              </Button>
            </>
          )}
        </Flex>
        {page && (
          <Typography.Text type="secondary" data-testid="records-found" data-visits={page.total} data-hazards={page.hazards}>
            {t(page.visits.length < page.total ? 'rlFoundNewest' : 'rlFound', {
              visits: page.total,
              hazards: page.hazards,
              shown: page.visits.length,
            })}
          </Typography.Text>
        )}
        {written && <Written label={t('imExported')} path={written} testId="records-written" onClose={() => setWritten(null)} />}
        {(error ?? found.error) && <ErrorAlert error={(error ?? found.error)!} />}
        <VisitTable visits={page?.visits ?? []} loading={found.loading} rowTestId="record-visit" />
      </Flex>
    </Card>
  );
}

/**
 * Imports a checklist file — JSON (see assets/templates/README.md) or an Excel sheet laid out as
 * bureaus write checklists — and lists every problem (by row and column for a sheet). The
 * edition is published to every laptop at the next sync; supervisors and administrators only
 * (the Rust command checks the role).
 */
function ImportTemplate() {
  const { t, m } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const read = async (file: File) => {
    try {
      const workbook = /\.xlsx?$/i.test(file.name);
      const [tpl, isNew] = workbook
        ? await api.importTemplateWorkbook(new Uint8Array(await file.arrayBuffer()))
        : await api.importTemplate(await file.text());
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
        data-testid="template-input"
        accept=".json,.xlsx,.xls,application/json"
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
