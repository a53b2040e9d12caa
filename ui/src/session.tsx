// Who is at the laptop. The Rust side decides: every command checks the signed-in role itself;
// this module only draws the sign-in screens and lets the rest of the window ask what the
// signed-in role may do (`may`), so it does not offer what would be refused.
import { Alert, Button, Card, Flex, Form, Input, Select, Typography } from 'antd';
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { api, followLock, onSignedOut, toCommandError } from './api';
import type { Act } from './bindings/Act';
import type { CommandError } from './bindings/CommandError';
import type { NewUser } from './bindings/NewUser';
import type { Role } from './bindings/Role';
import type { SessionView } from './bindings/SessionView';
import { ROLE_LABELS, keysOf, useI18n } from './i18n';

export interface Session {
  view: SessionView;
  may: (act: Act) => boolean;
  signOut: () => void;
  /** Asks again who is signed in (after enrolment changed the role). */
  refresh: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** What the signed-in role may do; outside a session (tests of a lone component), nothing. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  return session ?? { view: EMPTY, may: () => false, signOut: () => {}, refresh: () => {} };
}

const EMPTY: SessionView = {
  user: null,
  acts: [],
  first_start: false,
  enrolled_role: null,
  idle_lock_minutes: 15,
  password_reset_for: null,
};

/**
 * Shows the sign-in (or, on a laptop nobody uses yet, the first user's form) until someone is
 * signed in, then `children(session)`. Locks again after the idle time without a key or a
 * pointer, when the user locks, and whenever a command answers that nobody is signed in.
 */
export function SessionGate({ children }: { children: (session: Session) => ReactNode }) {
  const [view, setView] = useState<SessionView | null>(null);
  const [failure, setFailure] = useState<CommandError | null>(null);

  const refresh = useCallback(() => {
    api.session().then(setView, (e: unknown) => setFailure(toCommandError(e)));
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => onSignedOut(refresh), [refresh]);
  // The laptop slept: what was on screen goes at once, before anyone touches it.
  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    void followLock(refresh).then((s) => (live ? (stop = s) : s()));
    return () => {
      live = false;
      stop?.();
    };
  }, [refresh]);

  const signOut = useCallback(() => {
    api.signOut().then(setView, refresh);
  }, [refresh]);

  const signedIn = view?.user != null;
  useIdleLock(signedIn ? view.idle_lock_minutes : null, signOut);

  if (failure) return <Alert type="error" showIcon message={failure.message.zh} description={failure.message.en} />;
  if (!view) return null;
  if (!signedIn) {
    return view.first_start ? <FirstUser view={view} onDone={setView} /> : <SignIn view={view} onDone={setView} />;
  }
  return <>{children({ view, may: (act) => view.acts.includes(act), signOut, refresh })}</>;
}

/** Calls `lock` after `minutes` without a key press or pointer movement. */
function useIdleLock(minutes: number | null, lock: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (minutes === null) return;
    const arm = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(lock, minutes * 60_000);
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
    events.forEach((e) => window.addEventListener(e, arm, { passive: true }));
    arm();
    return () => {
      events.forEach((e) => window.removeEventListener(e, arm));
      if (timer.current) clearTimeout(timer.current);
    };
  }, [minutes, lock]);
}

// Cold start is measured up to the first screen a user can act on — signing in — once per run.
let uiReadySent = false;

function Centered({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    if (!uiReadySent) {
      uiReadySent = true;
      // A failure here only loses a timing measurement.
      api.uiReady(performance.now()).catch(() => {});
    }
  }, []);
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Card title={title} style={{ width: 420 }}>
        {children}
      </Card>
    </Flex>
  );
}

function Problem({ error }: { error: CommandError | null }) {
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="sign-in-error"
      data-code={error.code}
      style={{ marginBottom: 16 }}
      message={error.message.zh}
      description={<span lang="en">{error.message.en}</span>}
    />
  );
}

function SignIn({ view, onDone }: { view: SessionView; onDone: (v: SessionView) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(false);
  const resetFor = view.password_reset_for;
  if (resetting && resetFor !== null) {
    return <ResetPassword name={resetFor} onDone={onDone} onBack={() => setResetting(false)} />;
  }
  const submit = ({ name, password }: { name: string; password: string }) => {
    setBusy(true);
    api.signIn(name, password).then(onDone, (e: unknown) => {
      setError(toCommandError(e));
      setBusy(false);
    });
  };
  return (
    <Centered title={t('signInTitle')}>
      <Problem error={error} />
      <Form layout="vertical" onFinish={submit} data-testid="sign-in" requiredMark={false}>
        <Form.Item name="name" label={t('signInName')} rules={[{ required: true, message: t('required') }]}>
          <Input autoFocus autoComplete="username" data-testid="sign-in-name" />
        </Form.Item>
        <Form.Item name="password" label={t('signInPassword')} rules={[{ required: true, message: t('required') }]}>
          <Input.Password autoComplete="current-password" data-testid="sign-in-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in-submit">
          {t('signInSubmit')}
        </Button>
        {resetFor !== null && (
          <Button type="link" block onClick={() => setResetting(true)} data-testid="forgot-password">
            {t('forgotPassword')}
          </Button>
        )}
      </Form>
    </Centered>
  );
}

/** A password and the same again; `prefix` names the test ids. */
function NewPasswordFields({ label, prefix }: { label: string; prefix: string }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="password" label={label} rules={[{ required: true, message: t('required') }]}>
        <Input.Password autoComplete="new-password" data-testid={`${prefix}-password`} />
      </Form.Item>
      <Form.Item
        name="again"
        label={t('passwordAgain')}
        dependencies={['password']}
        rules={[
          { required: true, message: t('required') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('passwordsDiffer'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${prefix}-again`} />
      </Form.Item>
    </>
  );
}

/** A forgotten password: the administrator's one-time code and a new password sign in. */
function ResetPassword({ name, onDone, onBack }: { name: string; onDone: (v: SessionView) => void; onBack: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = ({ code, password }: { code: string; password: string }) => {
    setBusy(true);
    api.resetPassword(code, password).then(onDone, (e: unknown) => {
      setError(toCommandError(e));
      setBusy(false);
    });
  };
  return (
    <Centered title={t('resetTitle')}>
      <Typography.Paragraph type="secondary">{t('resetHint', { name })}</Typography.Paragraph>
      <Problem error={error} />
      <Form layout="vertical" onFinish={submit} data-testid="password-reset" requiredMark={false}>
        <Form.Item name="code" label={t('resetCode')} rules={[{ required: true, message: t('required') }]}>
          <Input autoFocus autoComplete="one-time-code" data-testid="reset-code" />
        </Form.Item>
        <NewPasswordFields label={t('newPassword')} prefix="reset" />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="reset-submit">
          {t('resetSubmit')}
        </Button>
        <Button type="link" block onClick={onBack} data-testid="reset-back">
          {t('backToSignIn')}
        </Button>
      </Form>
    </Centered>
  );
}

type FirstUserForm = NewUser & { again: string };

function FirstUser({ view, onDone }: { view: SessionView; onDone: (v: SessionView) => void }) {
  const { t, l } = useI18n();
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<FirstUserForm>();
  const enrolled = view.enrolled_role;
  const submit = ({ again: _again, ...user }: FirstUserForm) => {
    setBusy(true);
    api.createFirstUser({ ...user, role: enrolled ?? user.role, person_id: null }).then(onDone, (e: unknown) => {
      const err = toCommandError(e);
      setError(err);
      if (err.field) form.setFields([{ name: err.field as keyof FirstUserForm, errors: [err.message.zh] }]);
      setBusy(false);
    });
  };
  return (
    <Centered title={t('firstUserTitle')}>
      <Typography.Paragraph type="secondary">{t('firstUserHint')}</Typography.Paragraph>
      <Problem error={error} />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        data-testid="first-user"
        requiredMark={false}
        initialValues={{ role: enrolled ?? ('technician' satisfies Role) }}
      >
        <Form.Item name="name" label={t('signInName')} rules={[{ required: true, message: t('required') }]}>
          <Input autoFocus autoComplete="username" data-testid="first-user-name" />
        </Form.Item>
        <Form.Item name="display_name" label={t('displayName')} rules={[{ required: true, message: t('required') }]}>
          <Input data-testid="first-user-display-name" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('role')}
          extra={enrolled ? t('firstUserEnrolled', { role: l(ROLE_LABELS[enrolled]) }) : undefined}
        >
          <Select
            disabled={enrolled !== null}
            data-testid="first-user-role"
            options={keysOf(ROLE_LABELS).map((r) => ({ value: r, label: l(ROLE_LABELS[r]) }))}
          />
        </Form.Item>
        <NewPasswordFields label={t('signInPassword')} prefix="first-user" />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="first-user-submit">
          {t('firstUserSubmit')}
        </Button>
      </Form>
    </Centered>
  );
}
