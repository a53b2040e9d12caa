import { Alert, App as AntApp, Button, Card, DatePicker, Descriptions, Empty, Flex, InputNumber, Spin, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';
import { api, toCommandError } from '../api';
import { todayIso } from '../format';
import type { AgencyTrace } from '../bindings/AgencyTrace';
import type { Backtrace as BacktraceData } from '../bindings/Backtrace';
import type { CommandError } from '../bindings/CommandError';
import type { ContractTrace } from '../bindings/ContractTrace';
import type { DocumentTrace } from '../bindings/DocumentTrace';
import type { HazardStanding } from '../bindings/HazardStanding';
import type { OpenedPdf } from '../bindings/OpenedPdf';
import type { HazardTrace } from '../bindings/HazardTrace';
import type { Tally } from '../bindings/Tally';
import type { VisitTrace } from '../bindings/VisitTrace';
import { ErrorAlert } from '../components/ErrorAlert';
import { IndustryLabel } from '../components/IndustryLabel';
import { PdfLocation } from '../components/OpenedPdf';
import { ScreenHeader } from '../components/ScreenHeader';
import {
  DOCUMENT_KIND_LABELS,
  HAZARD_LEVEL_LABELS,
  HAZARD_STANDING_LABELS,
  SERVICE_TYPE_LABELS,
  VISIT_KIND_LABELS,
  useI18n,
} from '../i18n';

const DEFAULT_MONTHS = 12;

const STANDING_COLORS: Record<HazardStanding, string> = { closed: 'green', open: 'orange', overdue: 'red' };

/** `2026-08-01T09:30:00+08:00` → `2026-08-01 09:30`. */
function minute(at: string): string {
  return at.slice(0, 16).replace('T', ' ');
}

/** What the trace for one date and period answered, tagged with what it was asked. */
type Answer = { asked: string; data: BacktraceData | null; error: CommandError | null };

/**
 * 事故关联倒查 (R12): pick the accident date, and every agency that served the enterprise in the
 * months before — contracts, visits, the hazards it found and whether each was closed on the
 * accident day, signed documents — is listed, agency by agency, and can be exported as a PDF.
 */
export function Backtrace({ enterpriseId }: { enterpriseId: string }) {
  const { t } = useI18n();
  const [date, setDate] = useState<string | null>(null);
  const [months, setMonths] = useState(DEFAULT_MONTHS);
  const [nonce, setNonce] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const asked = date ? `${date}:${months}:${nonce}` : null;

  useEffect(() => {
    if (!date || !asked) return;
    let live = true;
    api.backtrace(enterpriseId, date, months).then(
      (data) => live && setAnswer({ asked, data, error: null }),
      (e: unknown) => live && setAnswer({ asked, data: null, error: toCommandError(e) }),
    );
    return () => {
      live = false;
    };
  }, [enterpriseId, date, months, asked]);

  const loading = asked !== null && answer?.asked !== asked;
  const data = answer?.asked === asked ? answer.data : null;
  const error = answer?.asked === asked ? answer.error : null;

  return (
    <div data-testid="backtrace" data-id={enterpriseId} data-state={loading ? 'loading' : data ? 'ready' : 'idle'}>
      <ScreenHeader
        title={data ? `${t('btTitle')} · ${data.enterprise.name}` : t('btTitle')}
        testId="backtrace-title"
        extra={date && <PdfButton enterpriseId={enterpriseId} date={date} months={months} disabled={!data} />}
      />
      <Flex vertical gap={16}>
        <Card size="small">
          <Typography.Paragraph type="secondary">{t('btIntro')}</Typography.Paragraph>
          <Flex gap={16} align="center" wrap>
            <Flex gap={8} align="center">
              <Typography.Text>{t('btDate')}</Typography.Text>
              <span data-testid="backtrace-date">
                <DatePicker
                  format="YYYY-MM-DD"
                  allowClear={false}
                  disabledDate={(d) => d.format('YYYY-MM-DD') > todayIso()}
                  onChange={(d) => setDate(d ? d.format('YYYY-MM-DD') : null)}
                />
              </span>
            </Flex>
            <Flex gap={8} align="center">
              <Typography.Text>{t('btMonths')}</Typography.Text>
              <InputNumber
                min={1}
                max={120}
                precision={0}
                value={months}
                onChange={(v) => setMonths(v ?? DEFAULT_MONTHS)}
                data-testid="backtrace-months"
              />
            </Flex>
          </Flex>
        </Card>
        {!date && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('btPickDate')} />}
        {error && <ErrorAlert error={error} onRetry={() => setNonce((n) => n + 1)} />}
        {loading && !data && <Spin style={{ display: 'block', marginTop: 24 }} />}
        {data && <Result data={data} />}
      </Flex>
    </div>
  );
}

/** Draws the report and opens it in the system's PDF viewer; the path stays on screen. */
function PdfButton({ enterpriseId, date, months, disabled }: { enterpriseId: string; date: string; months: number; disabled: boolean }) {
  const { t, m } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<OpenedPdf | null>(null);
  const run = async () => {
    setBusy(true);
    try {
      setWritten(await api.backtracePdf(enterpriseId, date, months));
    } catch (e) {
      message.error(m(toCommandError(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" onClick={run} loading={busy} disabled={disabled} data-testid="backtrace-pdf">
        {t('btExportPdf')}
      </Button>
      {written && (
        <div data-testid="backtrace-pdf-path" data-path={written.path}>
          <PdfLocation pdf={written} />
        </div>
      )}
    </>
  );
}

function Result({ data }: { data: BacktraceData }) {
  const { t, m } = useI18n();
  const e = data.enterprise;
  const p = data.period;
  return (
    <>
      <Card size="small" data-testid="backtrace-result">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'name', label: t('colName'), children: e.name },
            { key: 'code', label: t('colCreditCode'), children: e.credit_code },
            { key: 'principal', label: t('fieldPrincipal'), children: e.principal },
            { key: 'division', label: t('colDivision'), children: e.division_name },
            {
              key: 'industry',
              label: t('colIndustry'),
              children: <IndustryLabel industry={e.industry} highRisk={e.high_risk} />,
            },
          ]}
        />
        <Typography.Paragraph strong data-testid="backtrace-period" style={{ marginBlock: 8 }}>
          {t('btPeriod', { date: data.accident, from: p.from, to: p.to, months: p.months })}
        </Typography.Paragraph>
        <Alert
          type={data.totals.major_open_at_accident > 0 ? 'warning' : 'info'}
          showIcon
          title={m(data.totals.line)}
          data-testid="backtrace-totals"
        />
      </Card>

      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('btAgencies', { n: data.agencies.length })}
      </Typography.Title>
      {data.agencies.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('btNoAgencies')} />}
      {data.agencies.map((a) => (
        <AgencyCard key={a.agency.id} trace={a} />
      ))}

      <Card size="small" title={t('btInspections')} data-testid="backtrace-inspections">
        <TallyLine tally={data.inspections_tally} />
        <Part title={t('btVisits')} n={data.inspections.visits.length}>
          <VisitsTable visits={data.inspections.visits} />
        </Part>
        <Part title={t('btHazards')} n={data.inspections.hazards.length}>
          <HazardsTable hazards={data.inspections.hazards} />
        </Part>
        <Part title={t('btDocuments')} n={data.inspections.documents.length}>
          <DocumentsTable documents={data.inspections.documents} />
        </Part>
      </Card>

      {data.other_documents.length > 0 && (
        <Card size="small" title={t('btOtherDocuments')} data-testid="backtrace-other-documents">
          <DocumentsTable documents={data.other_documents} />
        </Card>
      )}
    </>
  );
}

function TallyLine({ tally }: { tally: Tally }) {
  const { m } = useI18n();
  const bad = tally.major_open_at_accident > 0 || tally.short_of_contract;
  return (
    <Typography.Paragraph type={bad ? 'danger' : undefined} data-testid="backtrace-tally">
      {m(tally.line)}
    </Typography.Paragraph>
  );
}

/** A titled part of a card, with its count; empty parts say so rather than show an empty table. */
function Part({ title, n, children }: { title: string; n: number; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div style={{ marginTop: 12 }}>
      <Typography.Text strong>
        {title}（{n}）
      </Typography.Text>
      {n === 0 ? (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('btNone')}
        </Typography.Paragraph>
      ) : (
        <div style={{ marginTop: 6 }}>{children}</div>
      )}
    </div>
  );
}

function AgencyCard({ trace }: { trace: AgencyTrace }) {
  const { t } = useI18n();
  const inForce = trace.contracts.some((c) => c.in_force_on_accident);
  const tally = trace.tally;
  return (
    <Card
      size="small"
      data-testid="backtrace-agency"
      data-agency-id={trace.agency.id}
      data-major-open={tally.major_open_at_accident}
      title={
        <>
          {trace.agency.name}{' '}
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 12 }}>
            {trace.agency.credit_code}
          </Typography.Text>
        </>
      }
      extra={
        <>
          {inForce ? <Tag color="blue">{t('btInForce')}</Tag> : trace.contracts.length === 0 && <Tag color="red">{t('btNoContract')}</Tag>}
          {tally.short_of_contract && <Tag color="orange">{t('btShort')}</Tag>}
          {tally.major_open_at_accident > 0 && <Tag color="red">{t('btMajorOpen', { n: tally.major_open_at_accident })}</Tag>}
        </>
      }
    >
      <TallyLine tally={tally} />
      <Part title={t('btContracts')} n={trace.contracts.length}>
        <ContractsTable contracts={trace.contracts} />
      </Part>
      <Part title={t('btVisits')} n={trace.visits.length}>
        <VisitsTable visits={trace.visits} />
      </Part>
      <Part title={t('btHazards')} n={trace.hazards.length}>
        <HazardsTable hazards={trace.hazards} />
      </Part>
      <Part title={t('btDocuments')} n={trace.documents.length}>
        <DocumentsTable documents={trace.documents} />
      </Part>
    </Card>
  );
}

function ContractsTable({ contracts }: { contracts: ContractTrace[] }) {
  const { t, l } = useI18n();
  const yes = (b: boolean) => (b ? t('yes') : t('no'));
  const columns: TableColumnsType<ContractTrace> = [
    {
      key: 'term',
      title: t('btColTerm'),
      width: 200,
      render: (_, c) => (
        <>
          {c.starts_on} ~ {c.ends_on}
          {c.in_force_on_accident && (
            <Tag color="blue" style={{ marginInlineStart: 6 }}>
              {t('btInForce')}
            </Tag>
          )}
        </>
      ),
    },
    { key: 'services', title: t('btColServices'), render: (_, c) => c.service_types.map((s) => l(SERVICE_TYPE_LABELS[s])).join('、') },
    { key: 'frequency', title: t('btColFrequency'), width: 100, dataIndex: 'visits_per_year' },
    { key: 'fee', title: t('btColFee'), width: 100, dataIndex: 'fee_yuan' },
    { key: 'gov', title: t('btColGov'), width: 90, render: (_, c) => yes(c.government_commissioned) },
    { key: 'filed', title: t('btColFiled'), width: 80, render: (_, c) => yes(c.filed) },
  ];
  return (
    <Table<ContractTrace>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={contracts}
      pagination={false}
      onRow={(c) => ({ 'data-testid': 'backtrace-contract', 'data-id': c.id }) as HTMLAttributes<HTMLElement>}
    />
  );
}

function VisitsTable({ visits }: { visits: VisitTrace[] }) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<VisitTrace> = [
    {
      key: 'date',
      title: t('btColDate'),
      width: 150,
      render: (_, v) => (
        <>
          {minute(v.started_at)}
          {v.ended_at === null && <Tag style={{ marginInlineStart: 6 }}>{t('btUnfinished')}</Tag>}
        </>
      ),
    },
    { key: 'kind', title: t('btColKind'), width: 100, render: (_, v) => l(VISIT_KIND_LABELS[v.kind]) },
    {
      key: 'people',
      title: t('btColPeople'),
      render: (_, v) => v.people.map((p) => `${p.name}（${p.id_number_masked}）`).join('、'),
    },
    { key: 'template', title: t('btColTemplate'), dataIndex: 'template_title', width: 200 },
    {
      key: 'hazards',
      title: t('btColVisitHazards'),
      width: 120,
      render: (_, v) => (
        <>
          <Typography.Text type={v.hazards_major > 0 ? 'danger' : undefined}>{v.hazards_major}</Typography.Text> / {v.hazards_general}
        </>
      ),
    },
  ];
  return (
    <Table<VisitTrace>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={visits}
      pagination={false}
      onRow={(v) => ({ 'data-testid': 'backtrace-visit', 'data-id': v.id, 'data-kind': v.kind }) as HTMLAttributes<HTMLElement>}
    />
  );
}

/** Major first, then overdue, open, closed — as the Rust side orders them (R8). Open major rows are shaded red. */
function HazardsTable({ hazards }: { hazards: HazardTrace[] }) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<HazardTrace> = [
    {
      key: 'level',
      title: t('btColLevel'),
      width: 90,
      render: (_, h) => <Tag color={h.level === 'major' ? 'red' : undefined}>{l(HAZARD_LEVEL_LABELS[h.level])}</Tag>,
    },
    { key: 'found', title: t('btColFound'), width: 100, dataIndex: 'found_on' },
    {
      key: 'description',
      title: t('btColDescription'),
      render: (_, h) => (
        <>
          {h.description}
          {h.location && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {h.location}
            </Typography.Text>
          )}
        </>
      ),
    },
    { key: 'deadline', title: t('btColDeadline'), width: 100, dataIndex: 'deadline' },
    {
      key: 'standing',
      title: t('btColStanding'),
      width: 170,
      render: (_, h) => (
        <>
          <Tag color={STANDING_COLORS[h.standing]} data-testid="backtrace-hazard-standing">
            {l(HAZARD_STANDING_LABELS[h.standing])}
          </Tag>
          {h.reported_to_government && <Tag color="purple">{t('btReportedGov')}</Tag>}
        </>
      ),
    },
    {
      key: 'closed',
      title: t('btColClosedOn'),
      width: 160,
      render: (_, h) =>
        h.closed_on === null ? (
          <Typography.Text type="secondary">{t('btNotClosed')}</Typography.Text>
        ) : h.closed_before_accident ? (
          h.closed_on
        ) : (
          <Typography.Text type="warning">{t('btClosedAfter', { date: h.closed_on })}</Typography.Text>
        ),
    },
  ];
  return (
    <Table<HazardTrace>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={hazards}
      pagination={false}
      onRow={(h) =>
        ({
          'data-testid': 'backtrace-hazard',
          'data-id': h.id,
          'data-level': h.level,
          'data-standing': h.standing,
          'data-closed-before-accident': String(h.closed_before_accident),
          style: h.level === 'major' && h.standing !== 'closed' ? { background: '#fff1f0' } : undefined,
        }) as HTMLAttributes<HTMLElement>
      }
    />
  );
}

function DocumentsTable({ documents }: { documents: DocumentTrace[] }) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<DocumentTrace> = [
    { key: 'kind', title: t('btColDocument'), width: 140, render: (_, d) => l(DOCUMENT_KIND_LABELS[d.kind]) },
    { key: 'version', title: t('btColVersion'), width: 80, render: (_, d) => t('btVersion', { n: d.version }) },
    { key: 'signed', title: t('btColSignedAt'), width: 150, render: (_, d) => minute(d.signed_at) },
    { key: 'code', title: t('btColCode'), render: (_, d) => <Typography.Text code>{d.verification_code}</Typography.Text> },
    {
      key: 'notes',
      title: '',
      width: 200,
      render: (_, d) => (
        <>
          {d.superseded && <Tag>{t('btSuperseded')}</Tag>}
          {d.signed_after_accident && <Tag color="red">{t('btSignedAfter')}</Tag>}
        </>
      ),
    },
  ];
  return (
    <Table<DocumentTrace>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={documents}
      pagination={false}
      onRow={(d) =>
        ({ 'data-testid': 'backtrace-document', 'data-id': d.id, 'data-after': String(d.signed_after_accident) }) as HTMLAttributes<HTMLElement>
      }
    />
  );
}
