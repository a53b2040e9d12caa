import { Button, Card, Descriptions, Drawer, Flex, Table, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { api } from '../api';
import type { EmploymentView } from '../bindings/EmploymentView';
import type { PersonDetail } from '../bindings/PersonDetail';
import { useLoad } from '../hooks';
import { STAFF_ROLE_LABELS, useI18n } from '../i18n';
import { useSession } from '../session';
import { CapabilityTestModal } from './CapabilityTestModal';
import { CertificateModal } from './CertificateModal';
import { Certificates } from './Certificates';
import { Loaded } from './Loaded';
import { Capability } from './PeopleTable';
import { PostModal } from './PostModal';
import { RegisterHistory } from './RegisterHistory';
import { TrainingModal } from './TrainingModal';

/**
 * One person of the people register: posts over time, certificates, the bureau's training
 * records and capability tests, and the history of their registration on this laptop. Those
 * who keep the registers add and correct each here; `onChanged` lets the list behind refresh.
 */
export function PersonDrawer({ personId, onClose, onChanged }: { personId: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const load = useLoad(personId, () => api.personDetail(personId));
  const changed = () => {
    load.reload();
    onChanged();
  };
  return (
    <Drawer open width={820} onClose={onClose} title={load.data ? t('pdTitle', { name: load.data.person.name }) : ''}>
      <Loaded testId="person-detail" id={personId} load={load}>
        {(d) => <PersonBody detail={d} onChanged={changed} />}
      </Loaded>
    </Drawer>
  );
}

type Editing = { kind: 'post'; post?: EmploymentView } | { kind: 'certificate' } | { kind: 'training' } | { kind: 'test' };

function PersonBody({ detail, onChanged }: { detail: PersonDetail; onChanged: () => void }) {
  const { t, l } = useI18n();
  const { may } = useSession();
  const keeps = may('edit_registers');
  const [editing, setEditing] = useState<Editing | null>(null);
  const p = detail.person;
  const saved = () => {
    setEditing(null);
    onChanged();
  };
  const add = (label: string, testId: string, what: Editing) =>
    keeps && (
      <Button size="small" onClick={() => setEditing(what)} data-testid={testId}>
        {label}
      </Button>
    );
  return (
    <Flex vertical gap={12}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('colIdNumber')}>{p.id_number_masked}</Descriptions.Item>
        <Descriptions.Item label={t('fieldPhone')}>{p.phone}</Descriptions.Item>
        <Descriptions.Item label={t('colCapability')}>
          <Capability passed={p.capability_passed} />
        </Descriptions.Item>
      </Descriptions>

      <Card size="small" title={t('pdPosts')} extra={add(t('pfAdd'), 'post-add', { kind: 'post' })} data-testid="person-posts">
        <Table<EmploymentView>
          size="small"
          rowKey="agency_id"
          pagination={false}
          dataSource={p.employments}
          locale={{ emptyText: t('none') }}
          onRow={(e) => ({ 'data-testid': 'person-post', 'data-id': e.agency_id, 'data-current': e.current }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'agency',
              title: t('pfAgency'),
              render: (_, e) => <Typography.Text delete={!e.current}>{e.agency_name}</Typography.Text>,
            },
            { key: 'role', title: t('fieldRole'), width: 110, render: (_, e) => l(STAFF_ROLE_LABELS[e.role]) },
            { key: 'full', title: t('fieldFullTime'), width: 70, render: (_, e) => (e.full_time ? t('fullTime') : t('partTime')) },
            { key: 'from', title: t('pfStartedOn'), width: 110, render: (_, e) => e.started_on ?? '—' },
            { key: 'to', title: t('pfEndedOn'), width: 110, render: (_, e) => e.ended_on ?? '—' },
            ...(keeps
              ? [
                  {
                    key: 'edit',
                    width: 60,
                    render: (_: unknown, e: EmploymentView) => (
                      <Typography.Link onClick={() => setEditing({ kind: 'post', post: e })} data-testid="post-edit">
                        {t('pfEditShort')}
                      </Typography.Link>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      <Card size="small" title={t('colCertificates')} extra={add(t('certAdd'), 'certificate-add', { kind: 'certificate' })}>
        <Certificates certificates={p.certificates} />
      </Card>

      <Card
        size="small"
        title={t('pdTrainings')}
        extra={add(t('tfAdd'), 'training-add', { kind: 'training' })}
        data-testid="person-trainings"
        data-count={detail.trainings.length}
      >
        <Table
          size="small"
          rowKey={(r) => `${r.completed_on}/${r.course}/${r.organiser}`}
          pagination={false}
          dataSource={detail.trainings}
          locale={{ emptyText: t('pdNoTrainings') }}
          columns={[
            { key: 'course', title: t('tfCourse'), dataIndex: 'course' },
            { key: 'organiser', title: t('tfOrganiser'), dataIndex: 'organiser' },
            { key: 'completed', title: t('tfCompletedOn'), dataIndex: 'completed_on', width: 110 },
            { key: 'hours', title: t('tfHours'), dataIndex: 'hours', width: 70 },
          ]}
        />
      </Card>

      <Card size="small" title={t('pdTests')} extra={add(t('pdAddTest'), 'test-add', { kind: 'test' })}>
        <Table
          size="small"
          rowKey={(r) => `${r.taken_on}/${r.score}`}
          pagination={false}
          dataSource={detail.capability_tests}
          locale={{ emptyText: t('capabilityUntested') }}
          columns={[
            { key: 'taken', title: t('capTakenOn'), dataIndex: 'taken_on', width: 130 },
            { key: 'score', title: t('capScore'), dataIndex: 'score', width: 120 },
            { key: 'passed', title: t('colCapability'), render: (_, r) => <Capability passed={r.passed} /> },
          ]}
        />
      </Card>

      <Card size="small" title={t('agHistory')} data-testid="person-history" data-count={detail.history.length}>
        <RegisterHistory entries={detail.history} empty={t('pdNoHistory')} entryTestId="person-history-entry" />
      </Card>

      {editing?.kind === 'post' && (
        <PostModal personId={p.id} name={p.name} post={editing.post} onClose={() => setEditing(null)} onSaved={saved} />
      )}
      {editing?.kind === 'certificate' && <CertificateModal person={p} onClose={() => setEditing(null)} onSaved={saved} />}
      {editing?.kind === 'training' && (
        <TrainingModal personId={p.id} name={p.name} onClose={() => setEditing(null)} onSaved={saved} />
      )}
      {editing?.kind === 'test' && (
        <CapabilityTestModal people={[[p.id, p.name]]} onClose={() => setEditing(null)} onRecorded={saved} />
      )}
    </Flex>
  );
}
