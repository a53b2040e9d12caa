import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HazardView } from '../bindings/HazardView';
import type { HTMLAttributes } from 'react';
import { HAZARD_CATEGORY_LABELS, HAZARD_LEVEL_LABELS, HAZARD_STATUS_LABELS, useI18n } from '../i18n';

export function LevelTag({ level }: { level: HazardView['level'] }) {
  const { l } = useI18n();
  return <Tag color={level === 'major' ? 'red' : undefined}>{l(HAZARD_LEVEL_LABELS[level])}</Tag>;
}

export function StateTags({ hazard }: { hazard: HazardView }) {
  const { t, l } = useI18n();
  const s = hazard.state;
  return (
    <>
      <Tag color={s.status === 'closed' ? 'green' : s.status === 'rectification_reported' ? 'blue' : 'orange'}>
        {l(HAZARD_STATUS_LABELS[s.status])}
      </Tag>
      {s.overdue && (
        <Tag color="red" data-testid="overdue">
          {t('overdue')}
        </Tag>
      )}
      {s.reported_to_government && <Tag color="purple">{t('reportedToGov')}</Tag>}
      {s.escalated && <Tag color="magenta">{t('escalated')}</Tag>}
    </>
  );
}

/** Hazards in the order the Rust side gives them: major first (R8), overdue ones marked red. */
export function HazardTable({ hazards, pageSize = 20 }: { hazards: HazardView[]; pageSize?: number }) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<HazardView> = [
    { key: 'level', title: t('hazardLevel'), width: 90, render: (_, h) => <LevelTag level={h.level} /> },
    { key: 'description', title: t('hazardDescription'), dataIndex: 'description' },
    { key: 'location', title: t('hazardLocation'), dataIndex: 'location', width: 110 },
    { key: 'category', title: t('hazardCategory'), width: 100, render: (_, h) => l(HAZARD_CATEGORY_LABELS[h.category]) },
    {
      key: 'deadline',
      title: t('hazardDeadline'),
      width: 110,
      render: (_, h) => <Typography.Text type={h.state.overdue ? 'danger' : undefined}>{h.deadline}</Typography.Text>,
    },
    { key: 'state', title: t('hazardState'), width: 190, render: (_, h) => <StateTags hazard={h} /> },
  ];
  return (
    <Table<HazardView>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={hazards}
      pagination={hazards.length > pageSize ? { pageSize, showSizeChanger: false } : false}
      onRow={(h) => ({ 'data-testid': 'hazard-row', 'data-level': h.level, 'data-id': h.id }) as HTMLAttributes<HTMLElement>}
      rowClassName={(h) => (h.state.overdue ? 'row-overdue' : '')}
    />
  );
}
