import { Alert, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { api } from '../api';
import type { AuditView } from '../bindings/AuditView';
import { ErrorAlert } from '../components/ErrorAlert';
import { ScreenHeader } from '../components/ScreenHeader';
import { useLoad } from '../hooks';
import { ACT_LABELS, AUDIT_ACT_LABELS, ROLE_LABELS, useI18n } from '../i18n';
import { formatTime } from '../format';

/**
 * 审计日志 (supervisors): who did what at this laptop and when, newest first, and whether the
 * log still chains — an entry changed or taken out of the middle is named.
 */
export function Audit() {
  const { t, l } = useI18n();
  const load = useLoad('audit', () => api.auditLog());
  const log = load.data;
  const columns: TableColumnsType<AuditView> = [
    { title: t('auditAt'), dataIndex: 'at', width: 150, render: (at: string) => formatTime(at) },
    { title: t('auditUser'), dataIndex: 'user_name', width: 140 },
    { title: t('role'), dataIndex: 'role', width: 130, render: (r: AuditView['role']) => (r ? l(ROLE_LABELS[r]) : '—') },
    {
      title: t('auditAct'),
      dataIndex: 'act',
      width: 160,
      render: (a: AuditView['act']) => <Tag color={a === 'refused' || a === 'sign_in_failed' ? 'red' : undefined}>{l(AUDIT_ACT_LABELS[a])}</Tag>,
    },
    {
      title: t('auditWhat'),
      key: 'what',
      // A refusal's detail is the act that was refused; shown in words.
      render: (_, e) =>
        [e.subject, e.act === 'refused' && e.detail in ACT_LABELS ? l(ACT_LABELS[e.detail as keyof typeof ACT_LABELS]) : e.detail]
          .filter(Boolean)
          .join(' · '),
    },
  ];
  return (
    <div data-testid="audit" data-state={load.loading ? 'loading' : 'ready'}>
      <ScreenHeader title={t('navAudit')} />
      {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
      {log &&
        (log.broken_at === null ? (
          <Alert type="success" showIcon data-testid="audit-chain" data-intact="yes" style={{ marginBottom: 12 }} message={t('auditIntact', { n: log.total })} />
        ) : (
          <Alert
            type="error"
            showIcon
            data-testid="audit-chain"
            data-intact="no"
            style={{ marginBottom: 12 }}
            message={t('auditBroken', { seq: log.broken_at })}
          />
        ))}
      <Table<AuditView>
        rowKey="seq"
        size="small"
        loading={load.loading}
        dataSource={log?.entries ?? []}
        columns={columns}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(e) => ({ 'data-testid': 'audit-row', 'data-act': e.act }) as HTMLAttributes<HTMLElement>}
      />
    </div>
  );
}
