import { Timeline, Typography } from 'antd';
import type { AuditEntry } from '../bindings/AuditEntry';
import { AUDIT_ACT_LABELS, useI18n } from '../i18n';

/**
 * 登记变更记录: what this laptop's audit log holds about one register record — its
 * registration and every change, newest first, each change with the values it replaced
 * (the entries list them separated by '；').
 */
export function RegisterHistory({ entries, empty, entryTestId }: { entries: AuditEntry[]; empty: string; entryTestId: string }) {
  const { l } = useI18n();
  if (entries.length === 0) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return (
    <Timeline
      items={entries.map((h, i) => ({
        key: i,
        children: (
          <div data-testid={entryTestId} data-act={h.act}>
            <Typography.Text strong>{l(AUDIT_ACT_LABELS[h.act])}</Typography.Text>{' '}
            <Typography.Text type="secondary">
              {h.at.slice(0, 16).replace('T', ' ')} · {h.user_name}
            </Typography.Text>
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
              {h.detail.split('；').map((c, j) => (
                <li key={j}>{c}</li>
              ))}
            </ul>
          </div>
        ),
      }))}
    />
  );
}
