import { CloudSyncOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Checkbox, Descriptions, Flex, Input, Progress, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';
import { api, followSync, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { ConflictView } from '../bindings/ConflictView';
import type { SyncStatus } from '../bindings/SyncStatus';
import type { SyncView } from '../bindings/SyncView';
import { ErrorAlert } from '../components/ErrorAlert';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatBytes } from '../format';
import { ENTITY_LABELS, FIELD_LABELS, SYNC_PHASE_LABELS, ROLE_LABELS, useI18n } from '../i18n';
import type { I18n } from '../i18n';
import { useSession } from '../session';

const POLL_MS = 2000;
/** While a sync runs and its events cannot be heard, the progress bar is polled faster. */
const POLL_RUNNING_MS = 500;
/** A clock further off than this makes signing times and "last writer wins" questionable. */
const SKEW_WARN_MS = 60_000;
/** How long 立即同步 shows it was pressed when nothing visible comes of it. */
const WAKE_FEEDBACK_MS = 15_000;

/**
 * Times from the sync side are RFC 3339 in UTC; the inspector reads them in local time.
 * Fractions beyond milliseconds are cut first: WebKit's date parser rejects nanoseconds.
 */
function localTime(rfc3339: string): string {
  const d = new Date(rfc3339.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(d.getTime())) return rfc3339;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function duration(ms: number, t: I18n['t']): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return t('seconds', { n: s });
  if (s < 2 * 3600) return t('minutes', { n: Math.round(s / 60) });
  if (s < 2 * 86400) return t('hours', { n: Math.round(s / 3600) });
  return t('days', { n: Math.round(s / 86400) });
}

/** What changes when an attempt ends, whether it synced or failed. */
function attemptKey(v: SyncView | null): string {
  if (!v) return '';
  return `${v.status.last_sync}|${v.status.last_error?.zh}|${v.activity.retry_in_s}|${v.activity.last_report}`;
}

/**
 * 同步: enrolment with the central server, what is waiting to go, the progress of a sync under
 * way, and the conflicts the server decided. Syncing itself runs in the background whether or not
 * this screen is open; the screen follows it through its events and polls the status as well, so
 * it stays right even when an event is missed.
 */
export function Sync({ onRegisterChanged }: { onRegisterChanged: () => void }) {
  const { t } = useI18n();
  const [view, setView] = useState<SyncView | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [live, setLive] = useState(false);
  const [conflicts, setConflicts] = useState<ConflictView[]>([]);
  const [conflictsError, setConflictsError] = useState<CommandError | null>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  // 立即同步 was pressed and nothing has come of it yet (key: the attempt it was pressed after).
  const [waking, setWaking] = useState<string | null>(null);

  const refresh = useCallback(
    () =>
      api.syncStatus().then(
        (v) => {
          setView(v);
          setLoadError(null);
        },
        (e: unknown) => setLoadError(toCommandError(e)),
      ),
    [],
  );

  const loadConflicts = useCallback(
    () =>
      api.listConflicts().then(
        (c) => {
          setConflicts(c);
          setConflictsError(null);
        },
        (e: unknown) => setConflictsError(toCommandError(e)),
      ),
    [],
  );

  const running = view?.activity.running ?? false;
  const pollFast = useRef(false);
  pollFast.current = running && !live;

  // One question at a time: an enrolment holds the database while it talks to the server, and
  // polls must not pile up behind it.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(tick, pollFast.current ? POLL_RUNNING_MS : POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh]);

  useEffect(() => {
    let gone = false;
    let stop: (() => void) | null = null;
    followSync({
      onActivity: (activity) => setView((v) => (v ? { ...v, activity } : v)),
      onFinished: () => void refresh(),
    }).then(
      (s) => {
        if (gone) s();
        else {
          stop = s;
          setLive(true);
        }
      },
      // Without events the polling alone keeps the screen current.
      () => setLive(false),
    );
    return () => {
      gone = true;
      stop?.();
    };
  }, [refresh]);

  // A finished sync may have brought records and conflicts: the header's counts and the
  // conflict list are asked again.
  const lastSync = view?.status.last_sync;
  const conflictCount = view?.status.conflicts;
  const seenSync = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (lastSync === undefined) return;
    if (seenSync.current !== undefined && seenSync.current !== lastSync) onRegisterChanged();
    seenSync.current = lastSync;
  }, [lastSync, onRegisterChanged]);
  useEffect(() => {
    if (conflictCount === undefined) return;
    void loadConflicts();
  }, [lastSync, conflictCount, loadConflicts]);

  const key = attemptKey(view);
  useEffect(() => {
    if (waking === null) return;
    if (running || key !== waking) {
      setWaking(null);
      return;
    }
    const timer = setTimeout(() => setWaking(null), WAKE_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [waking, running, key]);

  const syncNow = async () => {
    setActionError(null);
    setWaking(key);
    try {
      setView(await api.syncNow());
    } catch (e) {
      setWaking(null);
      setActionError(toCommandError(e));
    }
  };

  const status = view?.status;
  return (
    <Flex
      vertical
      gap={16}
      data-testid="sync"
      data-state={view ? 'ready' : 'loading'}
      data-enrolled={status?.enrolled ? 'yes' : 'no'}
      data-running={running ? 'yes' : 'no'}
      data-events={live ? 'on' : 'off'}
    >
      <ScreenHeader title={t('syncTitle')} testId="sync-title" />
      {loadError && <ErrorAlert error={loadError} onRetry={() => void refresh()} />}
      {view && status && (
        <>
          <Settings status={status} onEnrolled={setView} />
          <Card
            size="small"
            title={t('syncStatusTitle')}
            extra={
              <Button
                type="primary"
                icon={<CloudSyncOutlined />}
                loading={running || waking !== null}
                disabled={!status.enrolled}
                onClick={() => void syncNow()}
                data-testid="sync-now"
              >
                {running ? t('syncRunning') : t('syncNow')}
              </Button>
            }
          >
            <StatusBody view={view} />
            {actionError && (
              <div style={{ marginTop: 12 }}>
                <ErrorAlert error={actionError} />
              </div>
            )}
          </Card>
          <Conflicts conflicts={conflicts} error={conflictsError} onChanged={() => void Promise.all([loadConflicts(), refresh()])} />
        </>
      )}
    </Flex>
  );
}

/** Enrolment while the laptop has none; the account it holds afterwards. */
function Settings({ status, onEnrolled }: { status: SyncStatus; onEnrolled: (v: SyncView) => void }) {
  const { t, l } = useI18n();
  // Enrolment gives the signed-in user the server's role: the header and menus follow it.
  const session = useSession();
  const [server, setServer] = useState('');
  const [code, setCode] = useState('');
  // The CA certificate the administrator handed out, as PEM text, with its file name.
  const [ca, setCa] = useState<{ name: string; pem: string } | null>(null);
  const caInput = useRef<HTMLInputElement>(null);
  const [enrolling, setEnrolling] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  if (status.enrolled) {
    return (
      <Card size="small" title={t('syncSettings')} extra={<Tag color="green">{t('syncEnrolled')}</Tag>}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          data-testid="sync-account"
          items={[
            { key: 'server', label: t('syncServer'), children: <Typography.Text code>{status.server}</Typography.Text> },
            { key: 'user', label: t('syncUser'), children: status.user_name },
            { key: 'role', label: t('syncRole'), children: status.role ? l(ROLE_LABELS[status.role]) : '' },
            { key: 'scope', label: t('syncScope'), children: status.scope },
          ]}
        />
      </Card>
    );
  }

  const ready = server.trim() !== '' && code.trim() !== '';
  const enrol = async () => {
    if (!ready || enrolling) return;
    setEnrolling(true);
    setError(null);
    try {
      onEnrolled(await api.enrollDevice(server.trim(), code.trim(), ca?.pem ?? null));
      session.refresh();
      setCode('');
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setEnrolling(false);
    }
  };

  return (
    <Card size="small" title={t('syncSettings')}>
      <Flex vertical gap={12} style={{ maxWidth: 560 }}>
        <Typography.Text type="secondary">{t('syncEnrolHint')}</Typography.Text>
        <label>
          <div style={{ marginBottom: 4 }}>{t('syncServer')}</div>
          <Input
            value={server}
            onChange={(e) => setServer(e.target.value)}
            placeholder={t('syncServerPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            data-testid="sync-server"
          />
        </label>
        <label>
          <div style={{ marginBottom: 4 }}>{t('syncCode')}</div>
          <Input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            onPressEnter={() => void enrol()}
            placeholder={t('syncCodePlaceholder')}
            autoComplete="off"
            spellCheck={false}
            style={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' }}
            data-testid="sync-code"
          />
        </label>
        <div>
          <div style={{ marginBottom: 4 }}>{t('syncCa')}</div>
          <Flex gap={8} align="center">
            <input
              ref={caInput}
              type="file"
              accept=".pem,.crt,.cer"
              data-testid="sync-ca"
              // Present but invisible (not display:none), so the WebDriver tests can hand it a file;
              // the browser's own "no file selected" would contradict the chip beside it.
              style={{ position: 'absolute', width: 1, height: 1, opacity: 0, pointerEvents: 'none' }}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void file.text().then((pem) => setCa({ name: file.name, pem }));
                e.target.value = '';
              }}
            />
            <Button onClick={() => caInput.current?.click()} data-testid="sync-ca-choose">
              {t('syncCaChoose')}
            </Button>
            {ca && (
              <>
                <Tag color="blue" data-testid="sync-ca-chosen">
                  {t('syncCaChosen')}：{ca.name}
                </Tag>
                <Button size="small" onClick={() => setCa(null)}>
                  {t('syncCaClear')}
                </Button>
              </>
            )}
          </Flex>
        </div>
        <div>
          <Button type="primary" loading={enrolling} disabled={!ready} onClick={() => void enrol()} data-testid="sync-enroll">
            {t('syncEnrol')}
          </Button>
        </div>
        {error && <ErrorAlert error={error} />}
      </Flex>
    </Card>
  );
}

function Figure({ label, value, testId, tone }: { label: string; value: ReactNode; testId: string; tone?: 'warning' | 'danger' }) {
  const color = tone === 'danger' ? '#cf1322' : tone === 'warning' ? '#d46b08' : undefined;
  return (
    <div style={{ minWidth: 120 }}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <div data-testid={testId} style={{ fontSize: 22, fontWeight: 600, lineHeight: 1.4, color }}>
        {value}
      </div>
    </div>
  );
}

function StatusBody({ view }: { view: SyncView }) {
  const { t, l, m } = useI18n();
  const { status: s, activity: a } = view;
  const skew = s.clock_skew_ms === null ? 0 : Number(s.clock_skew_ms);
  const done = Number(a.done);
  const total = Number(a.total);
  const phase = a.phase;
  return (
    <Flex vertical gap={12}>
      <Flex gap={32} wrap>
        <Figure label={t('syncPending')} value={s.pending} testId="sync-pending" tone={s.pending > 0 ? 'warning' : undefined} />
        <Figure
          label={t('syncPhotosPending')}
          value={s.photos_pending}
          testId="sync-photos-pending"
          tone={s.photos_pending > 0 ? 'warning' : undefined}
        />
        <Figure
          label={t('syncConflicts')}
          value={s.conflicts}
          testId="sync-conflicts"
          tone={s.conflicts > 0 ? 'warning' : undefined}
        />
        <Figure label={t('syncRefused')} value={s.refused} testId="sync-refused" tone={s.refused > 0 ? 'danger' : undefined} />
        <div style={{ minWidth: 160 }}>
          <Typography.Text type="secondary">{t('syncLast')}</Typography.Text>
          <div data-testid="sync-last" data-at={s.last_sync ?? ''} style={{ fontSize: 22, fontWeight: 600, lineHeight: 1.4 }}>
            {s.last_sync ? localTime(s.last_sync) : t('syncNever')}
          </div>
        </div>
      </Flex>

      {a.running && (
        <div data-testid="sync-progress" data-phase={phase ?? ''} data-done={done} data-total={total}>
          <Typography.Text>
            {phase ? l(SYNC_PHASE_LABELS[phase]) : t('syncRunning')}
            {total > 0 && (
              <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                {t('syncProgress', { done, total, size: formatBytes(a.bytes) })}
              </Typography.Text>
            )}
          </Typography.Text>
          <Progress percent={total > 0 ? Math.floor((done * 100) / total) : 0} status="active" />
        </div>
      )}

      {!a.running && a.last_report && (
        <Typography.Text type="secondary" data-testid="sync-report">
          {t('syncLastReport')}：{a.last_report}
        </Typography.Text>
      )}

      {s.last_error && (
        <Alert
          type="warning"
          showIcon
          data-testid="sync-error"
          title={m(s.last_error)}
          description={a.retry_in_s !== null ? t('syncRetryIn', { n: Number(a.retry_in_s) }) : undefined}
        />
      )}

      {s.refused > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="sync-refusals"
          title={t('syncRefusedTitle', { n: s.refused })}
          description={<Reasons reasons={s.refusals} />}
        />
      )}

      {s.waiting > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="sync-waiting"
          title={t('syncWaitingTitle', { n: s.waiting })}
          description={<Reasons reasons={s.waiting_reasons} />}
        />
      )}

      {Math.abs(skew) > SKEW_WARN_MS && (
        <Alert
          type="warning"
          showIcon
          data-testid="sync-clock-skew"
          title={t(skew > 0 ? 'syncClockAhead' : 'syncClockBehind', { amount: duration(Math.abs(skew), t) })}
        />
      )}
    </Flex>
  );
}

/** Each record with the reason it was refused or waits, one per line. */
function Reasons({ reasons }: { reasons: string[] }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {reasons.map((r, i) => (
        <li key={i}>{r}</li>
      ))}
    </ul>
  );
}

/** One table row per field that differs; the record, time and button span a conflict's rows. */
interface ConflictRow {
  key: string;
  conflict: ConflictView;
  field: string;
  kept: string;
  lost: string;
  first: boolean;
  span: number;
}

function Conflicts({
  conflicts,
  error,
  onChanged,
}: {
  conflicts: ConflictView[];
  error: CommandError | null;
  onChanged: () => void;
}) {
  const { t, l, m } = useI18n();
  const { message } = AntApp.useApp();
  const [showReviewed, setShowReviewed] = useState(false);
  const [reviewing, setReviewing] = useState<string | null>(null);

  const rows = useMemo(() => {
    const out: ConflictRow[] = [];
    for (const c of conflicts) {
      if (c.reviewed_at !== null && !showReviewed) continue;
      const fields = c.fields.length > 0 ? c.fields : [{ field: '', kept: '', lost: '' }];
      fields.forEach((f, i) =>
        out.push({ key: `${c.id}:${f.field}`, conflict: c, ...f, first: i === 0, span: i === 0 ? fields.length : 0 }),
      );
    }
    return out;
  }, [conflicts, showReviewed]);

  const review = async (id: string) => {
    setReviewing(id);
    try {
      await api.reviewConflict(id);
      onChanged();
    } catch (e) {
      message.error(m(toCommandError(e).message));
    } finally {
      setReviewing(null);
    }
  };

  const value = (v: string) => (v === '' ? <Typography.Text type="secondary">{t('empty')}</Typography.Text> : v);
  const spanned = (r: ConflictRow) => ({ rowSpan: r.span });
  const columns: TableColumnsType<ConflictRow> = [
    {
      key: 'record',
      title: t('colRecord'),
      width: 240,
      onCell: spanned,
      render: (_, r) => {
        return (
          <>
            <Tag>{l(ENTITY_LABELS[r.conflict.entity])}</Tag>
            {r.conflict.title || r.conflict.record_id}
          </>
        );
      },
    },
    {
      key: 'field',
      title: t('colField'),
      width: 130,
      render: (_, r) => (FIELD_LABELS[r.field] ? l(FIELD_LABELS[r.field]) : r.field || t('none')),
    },
    { key: 'kept', title: t('colKept'), render: (_, r) => value(r.kept) },
    {
      key: 'lost',
      title: t('colLost'),
      render: (_, r) => <span style={{ color: '#8c8c8c' }}>{value(r.lost)}</span>,
    },
    { key: 'at', title: t('colWhen'), width: 140, onCell: spanned, render: (_, r) => localTime(r.conflict.at) },
    {
      key: 'action',
      title: '',
      width: 150,
      onCell: spanned,
      render: (_, r) =>
        r.conflict.reviewed_at !== null ? (
          <Typography.Text type="secondary">{t('reviewedAt', { at: localTime(r.conflict.reviewed_at) })}</Typography.Text>
        ) : (
          <Button
            size="small"
            loading={reviewing === r.conflict.id}
            onClick={() => void review(r.conflict.id)}
            data-testid="conflict-review"
            data-id={r.conflict.id}
          >
            {t('markReviewed')}
          </Button>
        ),
    },
  ];

  return (
    <Card
      size="small"
      title={t('conflictsTitle')}
      data-testid="sync-conflict-list"
      extra={
        <Checkbox checked={showReviewed} onChange={(e) => setShowReviewed(e.target.checked)} data-testid="show-reviewed">
          {t('showReviewed')}
        </Checkbox>
      }
    >
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{t('conflictsHint')}</Typography.Text>
        {error && <ErrorAlert error={error} />}
        <Table<ConflictRow>
          size="small"
          rowKey="key"
          columns={columns}
          dataSource={rows}
          pagination={false}
          bordered
          locale={{ emptyText: t('noConflicts') }}
          onRow={(r) =>
            ({
              // One conflict-row per conflict: its first field's row.
              'data-testid': r.first ? 'conflict-row' : 'conflict-row-field',
              'data-id': r.conflict.id,
              'data-reviewed': r.conflict.reviewed_at !== null ? 'yes' : 'no',
              style: r.conflict.reviewed_at !== null ? { opacity: 0.55 } : undefined,
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </Flex>
    </Card>
  );
}
