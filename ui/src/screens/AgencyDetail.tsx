import { Alert, Button, Card, Descriptions, Flex, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import type { AgencyDetail as AgencyDetailData } from '../bindings/AgencyDetail';
import type { UnmetCondition } from '../bindings/UnmetCondition';
import { AgencyFormModal } from '../components/AgencyFormModal';
import { AgencyGradeCard } from '../components/AgencyGradeCard';
import { AgencyStandingCard } from '../components/AgencyStandingCard';
import { ContractsTable } from '../components/ContractsTable';
import { Loaded } from '../components/Loaded';
import { PeopleTable } from '../components/PeopleTable';
import { PersonDrawer } from '../components/PersonDrawer';
import { R1Status } from '../components/R1Status';
import { RegisterHistory } from '../components/RegisterHistory';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatArea } from '../format';
import { useLoad } from '../hooks';
import { MANAGEMENT_DOCUMENT_LABELS, INDUSTRY_LABELS, SERVICE_TYPE_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';
import { useSession } from '../session';
import { NewVisitModal } from './NewVisitModal';

/** One agency: profile, every unmet R1 condition with its evidence, staff and contracts. */
export function AgencyDetail({ id }: { id: string }) {
  const load = useLoad(id, () => api.agencyDetail(id));
  return (
    <Loaded testId="agency-detail" id={id} load={load}>
      {(data) => <DetailBody detail={data} onChanged={load.reload} />}
    </Loaded>
  );
}

function DetailBody({ detail, onChanged }: { detail: AgencyDetailData; onChanged: () => void }) {
  const { t, l } = useI18n();
  const a = detail.agency;
  const nav = useNav();
  const [inspecting, setInspecting] = useState(false);
  const [editing, setEditing] = useState(false);
  const [person, setPerson] = useState<string | null>(null);
  const { may } = useSession();
  const none = <Typography.Text type="secondary">{t('none')}</Typography.Text>;
  return (
    <>
      <ScreenHeader
        title={a.name}
        testId="agency-detail-name"
        extra={
          <>
            <R1Status agency={a} />
            {may('edit_registers') && (
              <Button onClick={() => setEditing(true)} data-testid="agency-edit">
                {t('agEdit')}
              </Button>
            )}
            <Button onClick={() => setInspecting(true)} data-testid="inspect-agency">
              {t('inspectAgency')}
            </Button>
          </>
        }
      />
      {editing && (
        <AgencyFormModal
          detail={detail}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
      {inspecting && (
        <NewVisitModal
          target={{ kind: 'agency', id: a.id, name: a.name, industry: null, servingAgencyId: null }}
          onClose={() => setInspecting(false)}
          onStarted={(id) => {
            setInspecting(false);
            nav.go({ name: 'visit', id });
          }}
        />
      )}
      <Flex vertical gap={16}>
        <Card size="small" title={t('profile')}>
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 3 }}
            items={[
              { key: 'credit_code', label: t('colCreditCode'), children: a.credit_code },
              { key: 'division', label: t('colDivision'), children: a.division_name },
              { key: 'office', label: t('officeArea'), children: t('officeAreaValue', { n: formatArea(detail.office_area_m2) }) },
              { key: 'staff', label: t('colStaffCount'), children: a.staff_count },
              {
                key: 'platform',
                label: t('platformRegistered'),
                children: detail.platform_registered ? (
                  <Tag color="green">{t('registered')}</Tag>
                ) : (
                  <Tag color="red">{t('notRegistered')}</Tag>
                ),
              },
              { key: 'address', label: t('colAddress'), children: detail.address },
              {
                key: 'service_types',
                label: t('serviceTypes'),
                span: 'filled',
                children: detail.service_types.length
                  ? detail.service_types.map((s) => <Tag key={s}>{l(SERVICE_TYPE_LABELS[s])}</Tag>)
                  : none,
              },
              {
                key: 'high_risk',
                label: t('highRiskIndustries'),
                span: 'filled',
                children: detail.high_risk_industries.length
                  ? detail.high_risk_industries.map((i) => (
                      <Tag key={i} color="volcano">
                        {l(INDUSTRY_LABELS[i])}
                      </Tag>
                    ))
                  : none,
              },
              {
                key: 'fees',
                label: t('agFees'),
                span: 'filled',
                children: detail.reference_fees.length
                  ? detail.reference_fees.map((f) => (
                      <Tag key={f.service}>
                        {l(SERVICE_TYPE_LABELS[f.service])} {f.yuan.toLocaleString('zh-CN')}
                      </Tag>
                    ))
                  : none,
              },
              {
                key: 'documents',
                label: t('documents'),
                span: 'filled',
                children: detail.documents.length ? detail.documents.map((d) => <Tag key={d}>{l(MANAGEMENT_DOCUMENT_LABELS[d])}</Tag>) : none,
              },
            ]}
          />
        </Card>

        <UnmetConditions unmet={detail.unmet} />

        <AgencyStandingCard detail={detail} onChanged={onChanged} />

        <AgencyGradeCard detail={detail} onChanged={onChanged} />

        <Card size="small" title={t('withNote', { label: t('staff'), note: detail.staff.length })} data-testid="agency-staff">
          <PeopleTable people={detail.staff} agencyId={a.id} rowTestId="staff-row" onOpen={(p) => setPerson(p.id)} />
          {person && <PersonDrawer personId={person} onClose={() => setPerson(null)} onChanged={onChanged} />}
        </Card>

        <Card size="small" title={t('withNote', { label: t('contracts'), note: detail.contracts.length })} data-testid="agency-contracts">
          <ContractsTable contracts={detail.contracts} counterpart="enterprise" />
        </Card>

        <Card size="small" title={t('agHistory')} data-testid="agency-history" data-count={detail.history.length}>
          <RegisterHistory entries={detail.history} empty={t('agNoHistory')} entryTestId="agency-history-entry" />
        </Card>
      </Flex>
    </>
  );
}

/**
 * R1 findings, each with the facts behind it, so an inspector can put them in a letter as they
 * stand. The wrapper is always present (with data-count) so a check for "no findings" has
 * something to look at.
 */
function UnmetConditions({ unmet }: { unmet: UnmetCondition[] }) {
  const { t, m } = useI18n();
  return (
    <div data-testid="agency-unmet" data-count={unmet.length}>
      {unmet.length === 0 ? (
        <Alert type="success" showIcon title={t('r1AllMet')} />
      ) : (
        <Alert
          type="error"
          showIcon
          title={t('r1UnmetTitle', { n: unmet.length })}
          description={
            <ol style={{ margin: 0, paddingInlineStart: 20 }}>
              {unmet.map((u, i) => (
                <li key={`${u.kind}-${i}`} data-testid="unmet-condition" data-kind={u.kind} data-rule={u.rule} style={{ marginTop: 6 }}>
                  <Tag color="red">{u.rule}</Tag>
                  <Typography.Text strong>{m(u.message)}</Typography.Text>
                  {u.evidence.length > 0 && (
                    <ul style={{ margin: '2px 0 0', paddingInlineStart: 18 }}>
                      {u.evidence.map((line, j) => (
                        <li key={j} data-testid="unmet-evidence">
                          {line}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          }
        />
      )}
    </div>
  );
}
