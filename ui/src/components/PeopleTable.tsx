import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import type { PersonSummary } from '../bindings/PersonSummary';
import { STAFF_ROLE_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';
import { Certificates } from './Certificates';

export function Capability({ passed }: { passed: boolean | null }) {
  const { t } = useI18n();
  if (passed === null) return <Tag>{t('capabilityUntested')}</Tag>;
  return passed ? <Tag color="green">{t('capabilityPassed')}</Tag> : <Tag color="red">{t('capabilityFailed')}</Tag>;
}

/**
 * People with their certificates. Inside an agency (`agencyId` set) the role and full-time
 * columns are those of that agency; in the people register every employment is listed, since
 * a person in several agencies is exactly what an inspector looks for (人员交叉使用).
 */
export function PeopleTable({
  people,
  agencyId,
  loading,
  rowTestId = 'person-row',
  onAddCertificate,
  onOpen,
}: {
  people: PersonSummary[];
  agencyId?: string;
  loading?: boolean;
  rowTestId?: string;
  /** Offered (a 添加证书 link in each row) to those who may keep the register. */
  onAddCertificate?: (p: PersonSummary) => void;
  /** Makes each name a link opening the person (their posts, trainings and history). */
  onOpen?: (p: PersonSummary) => void;
}) {
  const { t, l } = useI18n();
  const nav = useNav();

  const employmentColumns: TableColumnsType<PersonSummary> =
    agencyId !== undefined
      ? [
          {
            key: 'role',
            title: t('colRole'),
            width: 130,
            render: (_, p) => {
              const e = p.employments.find((x) => x.agency_id === agencyId);
              return e ? l(STAFF_ROLE_LABELS[e.role]) : t('none');
            },
          },
          {
            key: 'full_time',
            title: t('colFullTime'),
            width: 70,
            render: (_, p) => {
              const e = p.employments.find((x) => x.agency_id === agencyId);
              return e ? (e.full_time ? t('yes') : t('no')) : t('none');
            },
          },
        ]
      : [
          {
            key: 'employments',
            title: t('colEmployments'),
            render: (_, p) =>
              p.employments.length === 0 ? (
                <Typography.Text type="secondary">{t('none')}</Typography.Text>
              ) : (
                p.employments.map((e) => (
                  <div key={e.agency_id} data-testid="employment" data-current={e.current}>
                    <Typography.Link
                      data-testid="employment-agency-link"
                      data-id={e.agency_id}
                      delete={!e.current}
                      onClick={() => nav.go({ name: 'agency', id: e.agency_id })}
                    >
                      {e.agency_name}
                    </Typography.Link>
                    <Typography.Text type="secondary">
                      {' · '}
                      {l(STAFF_ROLE_LABELS[e.role])}
                      {' · '}
                      {e.full_time ? t('fullTime') : t('partTime')}
                      {e.started_on && ` · ${t('postStarted', { date: e.started_on })}`}
                      {e.ended_on && ` · ${t('postEnded', { date: e.ended_on })}`}
                    </Typography.Text>
                  </div>
                ))
              ),
          },
        ];

  const columns: TableColumnsType<PersonSummary> = [
    {
      key: 'name',
      title: t('colPersonName'),
      width: 100,
      render: (_, p) =>
        onOpen ? (
          <Typography.Link onClick={() => onOpen(p)} data-testid="person-open" title={t('pdOpen')}>
            {p.name}
          </Typography.Link>
        ) : (
          p.name
        ),
    },
    { key: 'id_number', title: t('colIdNumber'), dataIndex: 'id_number_masked', width: 190 },
    ...employmentColumns,
    {
      key: 'certificates',
      title: t('colCertificates'),
      render: (_, p) => (
        <>
          <Certificates certificates={p.certificates} />
          {onAddCertificate && (
            <Typography.Link onClick={() => onAddCertificate(p)} data-testid="certificate-add">
              {t('certAdd')}
            </Typography.Link>
          )}
        </>
      ),
    },
    {
      key: 'capability',
      title: t('colCapability'),
      width: 100,
      render: (_, p) => <Capability passed={p.capability_passed} />,
    },
  ];

  return (
    <Table<PersonSummary>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={people}
      loading={loading}
      pagination={people.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      locale={{ emptyText: t('noResults') }}
      onRow={(p) => ({ 'data-testid': rowTestId, 'data-id': p.id }) as HTMLAttributes<HTMLElement>}
    />
  );
}
