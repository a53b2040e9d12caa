import { CloudUploadOutlined, FileExcelOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Radio, Select, Statistic, Table, Tabs, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { DragEvent, HTMLAttributes } from 'react';
import { useEffect, useRef, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Division } from '../bindings/Division';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportPreview } from '../bindings/ImportPreview';
import type { PlannedRow } from '../bindings/PlannedRow';
import type { RowFilter } from '../bindings/RowFilter';
import { ErrorAlert } from '../components/ErrorAlert';
import { Written } from '../components/Written';
import { IMPORT_KIND_LABELS, keysOf, useI18n } from '../i18n';
import type { TextKey } from '../i18n';
import { useSession } from '../session';

const PAGE = 50;

/**
 * 登记导入导出: a register's workbook previewed — every row new, changed field by field,
 * unchanged, or refused with its problems by row and column — and taken only on 确认导入; the
 * blank templates; the registers written out as ledgers in the same columns. Whether the user
 * may import is decided in Rust: the part is hidden from others only so it is not offered.
 */
export function Imports({ divisions, onRegisterChanged }: { divisions: Division[]; onRegisterChanged: () => void }) {
  const { may } = useSession();
  return (
    <Flex vertical gap={16} data-testid="imports">
      {may('edit_registers') && <ImportCard onRegisterChanged={onRegisterChanged} />}
      <LedgerCard divisions={divisions} />
    </Flex>
  );
}

/** The registers, side by side: three choices read at a glance and take one click. */
function KindSelect({ value, onChange, testId }: { value: ImportKind; onChange: (k: ImportKind) => void; testId: string }) {
  const { l } = useI18n();
  return (
    <Radio.Group
      size="small"
      optionType="button"
      value={value}
      onChange={(e) => onChange(e.target.value as ImportKind)}
      data-testid={testId}
      data-kind={value}
      options={keysOf(IMPORT_KIND_LABELS).map((k) => ({
        value: k,
        label: <span data-testid={`${testId}-${k}`}>{l(IMPORT_KIND_LABELS[k])}</span>,
      }))}
    />
  );
}

function ImportCard({ onRegisterChanged }: { onRegisterChanged: () => void }) {
  const { t, m } = useI18n();
  const [kind, setKind] = useState<ImportKind>('enterprises');
  const [reading, setReading] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const read = async (file: File) => {
    setReading(file.name);
    setPreview(null);
    setError(null);
    setDone(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      setPreview(await api.previewImport(bytes, kind, file.name));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setReading(null);
    }
  };

  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const result = await api.confirmImport(preview.token);
      setPreview(null);
      setDone(t('imDone', { counts: m(result.message) }));
      onRegisterChanged();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(false);
    }
  };

  const drop = () => {
    setPreview(null);
    void api.dropImport().catch(() => {});
  };

  const writeTemplate = async () => {
    setError(null);
    try {
      setTemplate(await api.writeImportTemplate(kind, null));
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) void read(file);
  };

  const taken = preview ? preview.counts.new + preview.counts.changed : 0;
  return (
    <Card
      size="small"
      title={t('imImportTitle')}
      data-testid="import-card"
      data-state={reading || busy ? 'loading' : 'ready'}
      extra={
        <Flex gap={8} align="center">
          <Typography.Text type="secondary">{t('imKind')}</Typography.Text>
          <KindSelect value={kind} onChange={setKind} testId="import-kind" />
          <Button size="small" icon={<FileExcelOutlined />} onClick={() => void writeTemplate()} data-testid="import-template">
            {t('imTemplate')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('imIntro')}
        </Typography.Paragraph>
        <div
          onDragOver={(e) => e.preventDefault()}
          onDrop={onDrop}
          style={{ border: '1px dashed #bbb', borderRadius: 6, padding: 16, textAlign: 'center' }}
        >
          <input
            ref={input}
            type="file"
            accept=".xlsx,.xls,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel"
            data-testid="import-input"
            // Present but invisible (not display:none), so the WebDriver tests can hand it a file.
            style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void read(file);
              e.target.value = '';
            }}
          />
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            loading={reading !== null}
            onClick={() => input.current?.click()}
            data-testid="import-choose"
          >
            {reading ? t('imReading', { file: reading }) : t('imChoose')}
          </Button>
          <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
            {t('imDrop')}
          </Typography.Text>
        </div>
        {template && (
          <Written label={t('imTemplateWritten')} path={template} testId="import-template-written" onClose={() => setTemplate(null)} />
        )}
        {error && <ErrorAlert error={error} />}
        {done && <Alert type="success" showIcon title={done} data-testid="import-done" closable={{ onClose: () => setDone(null) }} />}
        {preview && (
          <Card
            size="small"
            type="inner"
            title={t('imPreviewTitle', { file: preview.file })}
            data-testid="import-preview"
            data-new={preview.counts.new}
            data-changed={preview.counts.changed}
            data-unchanged={preview.counts.unchanged}
            data-refused={preview.counts.refused}
            extra={
              <Flex gap={8}>
                <Button onClick={drop} disabled={busy} data-testid="import-drop">
                  {t('cancel')}
                </Button>
                <Button type="primary" loading={busy} disabled={taken === 0} onClick={() => void confirm()} data-testid="import-confirm">
                  {taken === 0 ? t('imNothingToTake') : t('imConfirm', { n: taken })}
                </Button>
              </Flex>
            }
          >
            <Flex vertical gap={12}>
              <Typography.Text type="secondary">
                {t('imPreviewSource', { sheet: preview.sheet, header: preview.header_row, rows: preview.rows })}
              </Typography.Text>
              <Flex gap={32}>
                <Statistic title={t('imNew')} value={preview.counts.new} />
                <Statistic title={t('imChanged')} value={preview.counts.changed} />
                <Statistic title={t('imUnchanged')} value={preview.counts.unchanged} />
                <Statistic title={t('imRefused')} value={preview.counts.refused} valueStyle={preview.counts.refused > 0 ? { color: '#cf1322' } : undefined} />
              </Flex>
              {preview.counts.refused > 0 && <Alert type="warning" showIcon title={t('imRefusedLeft', { n: preview.counts.refused })} />}
              <PreviewTabs preview={preview} />
            </Flex>
          </Card>
        )}
      </Flex>
    </Card>
  );
}

/** The preview's rows by what they would do, problems first; each tab pages through Rust. */
function PreviewTabs({ preview }: { preview: ImportPreview }) {
  const { t } = useI18n();
  const c = preview.counts;
  const tabs: [RowFilter, string, number][] = [
    ['refused', t('imRefused'), c.refused],
    ['changed', t('imChanged'), c.changed],
    ['new', t('imNew'), c.new],
    ['unchanged', t('imUnchanged'), c.unchanged],
  ];
  const shown = tabs.filter(([, , n]) => n > 0);
  return (
    <Tabs
      size="small"
      items={shown.map(([filter, label, n]) => ({
        key: filter,
        label: <span data-testid={`import-tab-${filter}`}>{`${label} ${n}`}</span>,
        children: <PreviewRows token={preview.token} kind={preview.kind} filter={filter} total={n} />,
      }))}
    />
  );
}

/** What a planned row's key and name are, register by register. */
const HEADINGS: Record<ImportKind, [TextKey, TextKey]> = {
  enterprises: ['imKey', 'imName'],
  agencies: ['imKey', 'imName'],
  people: ['imKeyPerson', 'imPersonName'],
  contracts: ['imKeyContract', 'imContractName'],
};

function PreviewRows({ token, kind, filter, total }: { token: string; kind: ImportKind; filter: RowFilter; total: number }) {
  const { t, m } = useI18n();
  const [page, setPage] = useState(1);
  const [rows, setRows] = useState<PlannedRow[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  useEffect(() => {
    let live = true;
    setRows(null);
    api.importRows(token, filter, (page - 1) * PAGE, PAGE).then(
      (r) => live && setRows(r.rows),
      (e: unknown) => live && setError(toCommandError(e)),
    );
    return () => {
      live = false;
    };
  }, [token, filter, page]);

  const columns: TableColumnsType<PlannedRow> = [
    { title: t('imRow'), dataIndex: 'row', width: 64 },
    { title: t(HEADINGS[kind][0]), dataIndex: 'key', width: 200 },
    {
      title: t(HEADINGS[kind][1]),
      key: 'name',
      width: 240,
      // What the register should know without stopping the row (a second full-time post, a
      // certificate someone else holds) is shown under the name.
      render: (_, r) => (
        <>
          {r.name}
          {r.notes.map((n, i) => (
            <Typography.Paragraph key={i} type="warning" style={{ margin: 0, fontSize: 12 }} data-testid="import-note">
              {n.column ? `${n.column}：` : ''}
              {m(n.message)}
            </Typography.Paragraph>
          ))}
        </>
      ),
    },
  ];
  if (filter === 'refused') {
    columns.push({
      title: t('imProblems'),
      key: 'problems',
      render: (_, r) =>
        r.action === 'refused' && (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {r.problems.map((p, i) => (
              <li key={i} data-testid="import-problem">
                {p.column ? `${p.column}：` : ''}
                {m(p.message)}
              </li>
            ))}
          </ul>
        ),
    });
  }
  if (filter === 'changed') {
    columns.push({
      title: t('imChanges'),
      key: 'changes',
      render: (_, r) =>
        r.action === 'changed' && (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {r.changes.map((c) => (
              <li key={c.field} data-testid="import-change">
                {c.field}：<Typography.Text delete type="secondary">{c.old || t('none')}</Typography.Text> → {c.new || t('none')}
              </li>
            ))}
          </ul>
        ),
    });
  }
  if (error) return <ErrorAlert error={error} />;
  return (
    <Table<PlannedRow>
      size="small"
      rowKey="row"
      loading={rows === null}
      dataSource={rows ?? []}
      columns={columns}
      data-testid={`import-rows-${filter}`}
      onRow={(r) => ({ 'data-testid': 'import-row', 'data-row': r.row, 'data-action': r.action }) as HTMLAttributes<HTMLElement>}
      pagination={{ current: page, pageSize: PAGE, total, showSizeChanger: false, onChange: setPage }}
    />
  );
}

function LedgerCard({ divisions }: { divisions: Division[] }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ImportKind>('enterprises');
  const [within, setWithin] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const districts = divisions.filter((d) => d.parent === null);
  const run = async () => {
    setBusy(true);
    setWritten(null);
    setError(null);
    try {
      setWritten(await api.exportLedger(kind, within, null));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('imLedgerTitle')}
      data-testid="ledger-card"
      extra={
        <Flex gap={8} align="center">
          <KindSelect value={kind} onChange={setKind} testId="ledger-kind" />
          <Select
            size="small"
            style={{ width: 160 }}
            allowClear
            placeholder={t('imLedgerWithin')}
            value={within}
            onChange={(v: string | undefined) => setWithin(v ?? null)}
            options={districts.map((d) => ({ value: d.code, label: d.name }))}
            data-testid="ledger-within"
          />
          <Button size="small" icon={<FileExcelOutlined />} loading={busy} onClick={() => void run()} data-testid="ledger-export">
            {t('imLedgerExport')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('imLedgerIntro')}
        </Typography.Paragraph>
        {written && <Written label={t('imExported')} path={written} testId="ledger-written" onClose={() => setWritten(null)} />}
        {error && <ErrorAlert error={error} />}
      </Flex>
    </Card>
  );
}
