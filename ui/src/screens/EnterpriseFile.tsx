import { Card, Descriptions, Empty, Flex, Tag, Typography } from 'antd';
import { api } from '../api';
import type { AgencySummary } from '../bindings/AgencySummary';
import type { EnterpriseFile as EnterpriseFileData } from '../bindings/EnterpriseFile';
import { ContractsTable } from '../components/ContractsTable';
import { Loaded } from '../components/Loaded';
import { R1Status } from '../components/R1Status';
import { ScreenHeader } from '../components/ScreenHeader';
import { useLoad } from '../hooks';
import { INDUSTRY_LABELS, SIZE_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';

/** 一企一档: one enterprise's profile, the agencies serving it and its contracts. */
export function EnterpriseFile({ id }: { id: string }) {
  const load = useLoad(id, () => api.enterpriseFile(id));
  return (
    <Loaded testId="enterprise-file" id={id} load={load}>
      {(data) => <FileBody file={data} />}
    </Loaded>
  );
}

function FileBody({ file }: { file: EnterpriseFileData }) {
  const { t, l } = useI18n();
  const e = file.enterprise;
  return (
    <>
      <ScreenHeader
        title={e.name}
        testId="enterprise-file-name"
        extra={
          <>
            <Tag>{t('enterpriseFileTitle')}</Tag>
            {e.high_risk && <Tag color="red">{t('highRisk')}</Tag>}
          </>
        }
      />
      <Flex vertical gap={16}>
        <Card size="small" title={t('profile')}>
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 3 }}
            items={[
              { key: 'credit_code', label: t('colCreditCode'), children: e.credit_code },
              { key: 'principal', label: t('fieldPrincipal'), children: file.principal },
              { key: 'safety_contact', label: t('fieldSafetyContact'), children: file.safety_contact },
              { key: 'phone', label: t('fieldPhone'), children: file.phone },
              { key: 'division', label: t('colDivision'), children: e.division_name },
              {
                key: 'industry',
                label: t('colIndustry'),
                children: (
                  <>
                    {l(INDUSTRY_LABELS[e.industry])}
                    {e.high_risk && (
                      <Tag color="red" style={{ marginInlineStart: 6 }}>
                        {t('highRisk')}
                      </Tag>
                    )}
                  </>
                ),
              },
              { key: 'size', label: t('colSize'), children: l(SIZE_LABELS[e.size]) },
              { key: 'park', label: t('colPark'), children: e.park ?? t('none') },
              { key: 'address', label: t('colAddress'), children: e.address, span: 'filled' },
            ]}
          />
        </Card>

        <Card size="small" title={t('servingAgencies')} data-testid="serving-agencies">
          {file.serving_agencies.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noServingAgencies')} />
          ) : (
            <Flex vertical gap={6}>
              {file.serving_agencies.map((a) => (
                <ServingAgency key={a.id} agency={a} />
              ))}
            </Flex>
          )}
        </Card>

        <Card size="small" title={t('contracts')} data-testid="enterprise-contracts">
          <ContractsTable contracts={file.contracts} counterpart="agency" />
        </Card>
      </Flex>
    </>
  );
}

function ServingAgency({ agency }: { agency: AgencySummary }) {
  const { t } = useI18n();
  const nav = useNav();
  return (
    <Flex align="center" gap={12} wrap>
      <Typography.Link data-testid="agency-link" data-id={agency.id} onClick={() => nav.go({ name: 'agency', id: agency.id })}>
        {agency.name}
      </Typography.Link>
      <R1Status agency={agency} />
      <Typography.Text type="secondary">
        {agency.division_name} · {t('colStaffCount')} {agency.staff_count}
      </Typography.Text>
    </Flex>
  );
}
