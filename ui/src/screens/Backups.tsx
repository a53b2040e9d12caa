import { Alert, App as AntApp, Button, Descriptions, Flex, InputNumber, Modal, Table, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { BackupView } from '../bindings/BackupView';
import type { Holding } from '../bindings/Holding';
import { ErrorAlert } from '../components/ErrorAlert';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/**
 * 备份与恢复: this laptop's backups (daily after a sign-in, and 备份 on demand), how many are
 * kept, and — for supervisors — 恢复, which first shows what the chosen backup holds. The
 * database a restore replaces is kept beside it, never deleted.
 */
export function Backups() {
  const { t, m } = useI18n();
  const { may } = useSession();
  const { message } = AntApp.useApp();
  const [nonce, setNonce] = useState(0);
  const load = useLoad(`backups:${nonce}`, () => api.listBackups());
  const [busy, setBusy] = useState(false);
  const [chosen, setChosen] = useState<{ name: string; holding: Holding | null; error: string | null } | null>(null);
  const view = load.data;

  const run = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await what();
      message.success(done);
      setNonce((n) => n + 1);
    } catch (e) {
      message.error(m(toCommandError(e).message));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (name: string) => {
    setChosen({ name, holding: null, error: null });
    try {
      setChosen({ name, holding: await api.backupHolding(name), error: null });
    } catch (e) {
      setChosen({ name, holding: null, error: m(toCommandError(e).message) });
    }
  };

  const restore = async () => {
    if (!chosen) return;
    const name = chosen.name;
    setChosen(null);
    await run(() => api.restoreBackup(name), t('bkRestored', { name }));
  };

  const columns: TableColumnsType<BackupView> = [
    { title: t('bkTaken'), dataIndex: 'taken', width: 170 },
    {
      title: t('bkFile'),
      dataIndex: 'name',
      render: (name: string, b) => (
        <>
          {name} {b.before_migration && <Tag>{t('bkBeforeMigration')}</Tag>}
        </>
      ),
    },
    { title: t('bkSize'), dataIndex: 'bytes', width: 110, align: 'right', render: (n: number) => `${(n / 1e6).toFixed(1)} MB` },
    ...(may('restore')
      ? [
          {
            key: 'restore',
            width: 90,
            render: (_: unknown, b: BackupView) => (
              <Button size="small" disabled={busy} onClick={() => void choose(b.name)} data-testid="backup-restore">
                {t('bkRestore')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const holding = chosen?.holding;
  return (
    <div data-testid="backups" data-state={load.loading || busy ? 'loading' : 'ready'}>
      <ScreenHeader
        title={t('navBackups')}
        extra={
          <Button type="primary" loading={busy} onClick={() => void run(() => api.takeBackup(), t('bkTakenNow'))} data-testid="backup-take">
            {t('bkTake')}
          </Button>
        }
      />
      {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
      {view?.problem && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="backup-problem" message={t('bkProblem')} description={m(view.problem)} />
      )}
      {view && (
        <Flex align="center" gap={8} style={{ marginBottom: 12 }}>
          <Typography.Text>{t('bkKept')}</Typography.Text>
          <InputNumber
            min={1}
            max={365}
            value={view.kept}
            disabled={busy}
            data-testid="backup-kept"
            onChange={(n) => {
              if (typeof n === 'number' && n !== view.kept) void run(() => api.setBackupsKept(n), t('bkKeptSaved', { n }));
            }}
          />
          <Typography.Text type="secondary">{t('bkKeptHint')}</Typography.Text>
        </Flex>
      )}
      <Table<BackupView>
        rowKey="name"
        size="small"
        loading={load.loading}
        dataSource={view?.backups ?? []}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t('bkNone') }}
        onRow={(b) => ({ 'data-testid': 'backup-row', 'data-name': b.name }) as HTMLAttributes<HTMLElement>}
      />
      <Modal
        open={chosen !== null}
        title={t('bkConfirmTitle', { name: chosen?.name ?? '' })}
        okText={t('bkRestore')}
        okButtonProps={{ danger: true, disabled: !holding, 'data-testid': 'backup-restore-confirm' } as ButtonProps}
        onOk={() => void restore()}
        onCancel={() => setChosen(null)}
      >
        {chosen?.error && <Alert type="error" showIcon data-testid="backup-holding-error" message={chosen.error} />}
        {holding && (
          <>
            <Descriptions size="small" column={1} bordered data-testid="backup-holding">
              <Descriptions.Item label={t('bkEnterprises')}>{holding.enterprises}</Descriptions.Item>
              <Descriptions.Item label={t('bkVisits')}>{holding.visits}</Descriptions.Item>
              <Descriptions.Item label={t('bkHazards')}>{holding.hazards}</Descriptions.Item>
              <Descriptions.Item label={t('bkDocuments')}>{holding.signed_documents}</Descriptions.Item>
              <Descriptions.Item label={t('bkPhotos')}>{holding.photos}</Descriptions.Item>
              <Descriptions.Item label={t('bkNewestVisit')}>{holding.newest_visit ? formatTime(holding.newest_visit) : '—'}</Descriptions.Item>
            </Descriptions>
            <Alert type="warning" showIcon style={{ marginTop: 12 }} message={t('bkConfirmWarning')} />
          </>
        )}
      </Modal>
    </div>
  );
}
