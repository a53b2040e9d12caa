import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  CloudDownloadOutlined,
  CloudSyncOutlined,
  CrownOutlined,
  FileExcelOutlined,
  FileSearchOutlined,
  MailOutlined,
  PieChartOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Flex, Layout, Menu, Result, Spin, Typography } from 'antd';
import type { MenuProps } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, startTransition, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, followBackupFailures, toCommandError } from './api';
import type { Message } from './bindings/Message';
import type { AppStatus } from './bindings/AppStatus';
import type { CommandError } from './bindings/CommandError';
import type { Division } from './bindings/Division';
import { setClockShift } from './format';
import type { RegisterCounts } from './bindings/RegisterCounts';
import { I18nContext, ROLE_LABELS, makeI18n, useI18n } from './i18n';
import type { Lang } from './i18n';
import { NavContext, sectionOf } from './nav';
import { SessionContext, SessionGate, useSession } from './session';
import type { Nav, Route, Section } from './nav';
import { EMPTY_ENTERPRISE_FILTERS, Enterprises } from './screens/Enterprises';
import { Letters } from './screens/Letters';
import type { EnterpriseFilters } from './screens/Enterprises';

// Only the first screen is in the start-up bundle; the others load when first opened, which
// keeps JavaScript parsing off the path to the first list. The two screens of a visit on site
// are fetched ahead, once the list is up (`preloadFieldScreens`).
const loadEnterpriseFile = () => import('./screens/EnterpriseFile');
const loadVisit = () => import('./screens/Visit');
const Agencies = lazy(() => import('./screens/Agencies').then((m) => ({ default: m.Agencies })));
const AgencyDetail = lazy(() => import('./screens/AgencyDetail').then((m) => ({ default: m.AgencyDetail })));
const EnterpriseFile = lazy(() => loadEnterpriseFile().then((m) => ({ default: m.EnterpriseFile })));
const Backtrace = lazy(() => import('./screens/Backtrace').then((m) => ({ default: m.Backtrace })));
const People = lazy(() => import('./screens/People').then((m) => ({ default: m.People })));
const Visits = lazy(() => import('./screens/Visits').then((m) => ({ default: m.Visits })));
const Visit = lazy(() => loadVisit().then((m) => ({ default: m.Visit })));
const Verify = lazy(() => import('./screens/Verify').then((m) => ({ default: m.Verify })));
const Sync = lazy(() => import('./screens/Sync').then((m) => ({ default: m.Sync })));
const Coverage = lazy(() => import('./screens/Coverage').then((m) => ({ default: m.Coverage })));
const Grades = lazy(() => import('./screens/Grades').then((m) => ({ default: m.Grades })));
const Audit = lazy(() => import('./screens/Audit').then((m) => ({ default: m.Audit })));
const Backups = lazy(() => import('./screens/Backups').then((m) => ({ default: m.Backups })));
const Imports = lazy(() => import('./screens/Imports').then((m) => ({ default: m.Imports })));

const LANG_KEY = 'safeserve.lang';

// Ant Design's styles come precompiled (antd/dist/antd.css, imported in main.tsx) instead of
// being generated in the page at start-up: the first list appears about 0.2 s sooner. The
// stylesheet declares its design tokens on `.css-var-_R_0_`; the key makes the components carry
// that class, so tokens (colours, motion durations) resolve. Without it the motion variables
// were undefined, transitions never ended and form messages stayed hidden after a save.
const THEME = { zeroRuntime: true, cssVar: { key: '_R_0_' } } as const;

function initialLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export default function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const i18n = useMemo(() => makeI18n(lang), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // A webview without storage just forgets the choice on restart.
    }
  }, [lang]);

  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={THEME}>
      <AntApp>
        <I18nContext.Provider value={i18n}>
          <Startup onToggleLang={() => setLang((l) => (l === 'zh' ? 'en' : 'zh'))} />
        </I18nContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}

/**
 * Asks the Rust side whether the database opened. The shell is drawn at once, in parallel with
 * that question, so the first list is not held back by it; a database that could not be opened
 * replaces everything with the reason.
 */
function Startup({ onToggleLang }: { onToggleLang: () => void }) {
  const [status, setStatus] = useState<AppStatus | null>(null);
  const [failure, setFailure] = useState<CommandError | null>(null);

  useEffect(() => {
    api.appStatus().then(
      (s) => {
        setClockShift(s.clock_shift_days);
        setStatus(s);
      },
      (e: unknown) => setFailure(toCommandError(e)),
    );
  }, []);

  // After a record is added the header's counts are asked again; a failed refresh keeps the old ones.
  const refreshCounts = useCallback(() => {
    api.appStatus().then(setStatus, () => {});
  }, []);

  if (failure) return <DbError error={failure} dbPath={null} />;
  if (status?.error) return <DbError error={status.error} dbPath={status.db_path} />;
  return (
    <SessionGate>
      {(session) => (
        <SessionContext.Provider value={session}>
          <Shell counts={status?.counts ?? null} onRegisterChanged={refreshCounts} onToggleLang={onToggleLang} />
        </SessionContext.Provider>
      )}
    </SessionGate>
  );
}

/**
 * The database could not be opened, so no screen can work: say why in both languages and name
 * the file, which is what support needs to fix it.
 */
function DbError({ error, dbPath }: { error: CommandError; dbPath: string | null }) {
  const { t } = useI18n();
  return (
    <Flex data-testid="db-error" data-code={error.code} align="center" justify="center" style={{ minHeight: '100vh' }}>
      <Result
        status="error"
        title={t('dbErrorTitle')}
        subTitle={
          <>
            <div data-testid="db-error-message">{error.message.zh}</div>
            <div lang="en">{error.message.en}</div>
          </>
        }
        extra={
          <Flex vertical gap={4} align="center">
            {dbPath !== null && (
              <Typography.Text>
                {t('dbPath')}：
                <Typography.Text code copyable data-testid="db-path">
                  {dbPath}
                </Typography.Text>
              </Typography.Text>
            )}
            <Typography.Text type="secondary">
              {t('errorCode')}: {error.code}
            </Typography.Text>
          </Flex>
        }
      />
    </Flex>
  );
}

function Shell({
  counts,
  onRegisterChanged,
  onToggleLang,
}: {
  counts: RegisterCounts | null;
  onRegisterChanged: () => void;
  onToggleLang: () => void;
}) {
  const { t, l, m } = useI18n();
  const session = useSession();
  const [stack, setStack] = useState<Route[]>([{ name: 'enterprises' }]);
  const route = stack[stack.length - 1];
  const [divisions, setDivisions] = useState<Division[]>([]);
  // Search inputs survive a visit to a detail screen and back.
  const [enterpriseFilters, setEnterpriseFilters] = useState<EnterpriseFilters>(EMPTY_ENTERPRISE_FILTERS);
  const [agencyText, setAgencyText] = useState('');
  const [peopleText, setPeopleText] = useState('');
  const content = useRef<HTMLElement>(null);

  useEffect(() => {
    // Without divisions the filter is just empty; the list itself still works.
    api.listDivisions().then(setDivisions, () => setDivisions([]));
    // The counts are the register's, shown once someone is signed in.
    onRegisterChanged();
  }, [onRegisterChanged]);

  useEffect(() => {
    content.current?.scrollTo({ top: 0 });
  }, [route]);

  // A backup that failed is said wherever the user is, until they close it: the daily one runs
  // after the sign-in, so both what already failed and what fails from now on are shown.
  const { notification } = AntApp.useApp();
  const mayBackUp = session.may('back_up');
  useEffect(() => {
    if (!mayBackUp) return;
    const show = (problem: Message) =>
      notification.error({
        key: 'backup-failed',
        title: <span data-testid="backup-failed">{t('bkProblem')}</span>,
        description: m(problem),
        duration: 0,
        actions: (
          <Button size="small" onClick={() => startTransition(() => setStack([{ name: 'backups' }]))}>
            {t('navBackups')}
          </Button>
        ),
      });
    let stop: (() => void) | null = null;
    let live = true;
    void followBackupFailures(show).then((s) => {
      if (live) stop = s;
      else s();
      api.listBackups().then((b) => live && b.problem && show(b.problem), () => {});
    });
    return () => {
      live = false;
      stop?.();
    };
  }, [mayBackUp, notification, t, m]);

  // On site the next step from the list is an enterprise's file and a visit: their code is
  // fetched and parsed while the user reads the list, so opening them waits for no download.
  // Two seconds leave start-up (the first list in about one) alone.
  useEffect(() => {
    const timer = setTimeout(() => void Promise.all([loadEnterpriseFile(), loadVisit()]).catch(() => {}), 2000);
    return () => clearTimeout(timer);
  }, []);

  // Moving between screens is a transition: while a screen's code is still arriving the one
  // the user is on stays, instead of a spinner that React then keeps for at least 300 ms.
  const nav = useMemo<Nav>(
    () => ({
      go: (r) =>
        startTransition(() =>
          setStack((s) => (JSON.stringify(s[s.length - 1]) === JSON.stringify(r) ? s : [...s, r])),
        ),
      back: () => startTransition(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s))),
      canGoBack: stack.length > 1,
    }),
    [stack.length],
  );

  const menuItems: MenuProps['items'] = [
    {
      key: 'enterprises',
      icon: <BankOutlined />,
      label: <span data-testid="nav-enterprises">{t('navEnterprises')}</span>,
    },
    {
      key: 'agencies',
      icon: <ApartmentOutlined />,
      label: <span data-testid="nav-agencies">{t('navAgencies')}</span>,
    },
    {
      key: 'people',
      icon: <TeamOutlined />,
      label: <span data-testid="nav-people">{t('navPeople')}</span>,
    },
    {
      key: 'visits',
      icon: <AuditOutlined />,
      label: <span data-testid="nav-visits">{t('navVisits')}</span>,
    },
    {
      key: 'verify',
      icon: <SafetyCertificateOutlined />,
      label: <span data-testid="nav-verify">{t('navVerify')}</span>,
    },
    {
      key: 'letters',
      icon: <MailOutlined />,
      label: <span data-testid="nav-letters">{t('navLetters')}</span>,
    },
    {
      key: 'sync',
      icon: <CloudSyncOutlined />,
      label: <span data-testid="nav-sync">{t('navSync')}</span>,
    },
    // Coverage and grades are the bureau's: an agency's technician is not shown them.
    ...(session.may('supervise')
      ? [
          {
            key: 'coverage',
            icon: <PieChartOutlined />,
            label: <span data-testid="nav-coverage">{t('navCoverage')}</span>,
          },
          {
            key: 'grades',
            icon: <CrownOutlined />,
            label: <span data-testid="nav-grades">{t('navGrades')}</span>,
          },
        ]
      : []),
    ...(session.may('read_audit')
      ? [
          {
            key: 'audit',
            icon: <FileSearchOutlined />,
            label: <span data-testid="nav-audit">{t('navAudit')}</span>,
          },
        ]
      : []),
    ...(session.may('back_up')
      ? [
          {
            key: 'backups',
            icon: <CloudDownloadOutlined />,
            label: <span data-testid="nav-backups">{t('navBackups')}</span>,
          },
        ]
      : []),
    // Ledgers are exported by anyone who exports; the import part of the screen is shown to
    // those who keep the registers (and checked again in Rust).
    ...(session.may('export')
      ? [
          {
            key: 'imports',
            icon: <FileExcelOutlined />,
            label: <span data-testid="nav-imports">{t('navImports')}</span>,
          },
        ]
      : []),
  ];
  const user = session.view.user;

  return (
    <NavContext.Provider value={nav}>
      <Layout style={{ height: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 20 }}>
          <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
            {t('appTitle')}
          </Typography.Title>
          <div style={{ flex: 1 }} />
          {counts && (
            <Typography.Text style={{ color: 'rgba(255,255,255,0.75)' }} data-testid="register-counts">
              {t('countsSummary', {
                enterprises: counts.enterprises,
                agencies: counts.agencies,
                people: counts.people,
                contracts: counts.contracts,
              })}
            </Typography.Text>
          )}
          {user && (
            <Typography.Text
              style={{ color: '#fff', whiteSpace: 'nowrap' }}
              data-testid="signed-in"
              data-role={user.role}
              title={t('lockedIdle', { minutes: session.view.idle_lock_minutes })}
            >
              {user.display_name} · {l(ROLE_LABELS[user.role])}
            </Typography.Text>
          )}
          <Button ghost size="small" autoInsertSpace={false} onClick={session.signOut} data-testid="sign-out">
            {t('signOut')}
          </Button>
          <Button ghost size="small" autoInsertSpace={false} onClick={onToggleLang} data-testid="lang-toggle">
            {t('langToggle')}
          </Button>
        </Layout.Header>
        <Layout>
          <Layout.Sider width={168} theme="light">
            <Menu
              mode="inline"
              selectedKeys={[sectionOf(route)]}
              items={menuItems}
              onClick={({ key }) => startTransition(() => setStack([{ name: key as Section }]))}
              style={{ height: '100%', borderInlineEnd: 0 }}
            />
          </Layout.Sider>
          <Layout.Content ref={content} style={{ padding: 16, overflow: 'auto' }}>
            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 48 }} />}>
            <Screen
              route={route}
              divisions={divisions}
              enterpriseFilters={enterpriseFilters}
              setEnterpriseFilters={setEnterpriseFilters}
              agencyText={agencyText}
              setAgencyText={setAgencyText}
              peopleText={peopleText}
              setPeopleText={setPeopleText}
              onRegisterChanged={onRegisterChanged}
            />
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </NavContext.Provider>
  );
}

function Screen(props: {
  route: Route;
  divisions: Division[];
  enterpriseFilters: EnterpriseFilters;
  setEnterpriseFilters: (f: EnterpriseFilters) => void;
  agencyText: string;
  setAgencyText: (s: string) => void;
  peopleText: string;
  setPeopleText: (s: string) => void;
  onRegisterChanged: () => void;
}) {
  const { route } = props;
  switch (route.name) {
    case 'enterprises':
      return (
        <Enterprises
          filters={props.enterpriseFilters}
          onFiltersChange={props.setEnterpriseFilters}
          divisions={props.divisions}
          onRegisterChanged={props.onRegisterChanged}
        />
      );
    case 'enterprise':
      return <EnterpriseFile key={route.id} id={route.id} />;
    case 'backtrace':
      return <Backtrace key={route.id} enterpriseId={route.id} />;
    case 'agencies':
      return <Agencies text={props.agencyText} onTextChange={props.setAgencyText} />;
    case 'agency':
      return <AgencyDetail key={route.id} id={route.id} />;
    case 'people':
      return <People text={props.peopleText} onTextChange={props.setPeopleText} onRegisterChanged={props.onRegisterChanged} />;
    case 'visits':
      return <Visits divisions={props.divisions} />;
    case 'visit':
      return <Visit key={route.id} id={route.id} />;
    case 'verify':
      return <Verify />;
    case 'sync':
      return <Sync onRegisterChanged={props.onRegisterChanged} />;
    case 'letters':
      return <Letters />;
    case 'coverage':
      return <Coverage divisions={props.divisions} />;
    case 'grades':
      return <Grades />;
    case 'audit':
      return <Audit />;
    case 'backups':
      return <Backups />;
    case 'imports':
      return <Imports divisions={props.divisions} onRegisterChanged={props.onRegisterChanged} />;
  }
}
