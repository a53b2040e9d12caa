import { Descriptions, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ContractView } from '../bindings/ContractView';
import { formatFee } from '../format';
import { SERVICE_TYPE_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';

/**
 * Contracts of one enterprise (showing the agency) or of one agency (showing the enterprise);
 * the counterpart's name opens its screen.
 */
export function ContractsTable({ contracts, counterpart }: { contracts: ContractView[]; counterpart: 'agency' | 'enterprise' }) {
  const { t, l, m } = useI18n();
  const nav = useNav();

  const counterpartColumn: TableColumnsType<ContractView>[number] =
    counterpart === 'agency'
      ? {
          key: 'agency',
          title: t('colAgency'),
          render: (_, c) => (
            <Typography.Link data-testid="contract-agency-link" data-id={c.agency_id} onClick={() => nav.go({ name: 'agency', id: c.agency_id })}>
              {c.agency_name}
            </Typography.Link>
          ),
        }
      : {
          key: 'enterprise',
          title: t('colEnterprise'),
          render: (_, c) => (
            <Typography.Link
              data-testid="contract-enterprise-link"
              data-id={c.enterprise_id}
              onClick={() => nav.go({ name: 'enterprise', id: c.enterprise_id })}
            >
              {c.enterprise_name}
            </Typography.Link>
          ),
        };

  const columns: TableColumnsType<ContractView> = [
    counterpartColumn,
    {
      key: 'types',
      title: t('colServiceTypes'),
      render: (_, c) => c.service_types.map((s) => <Tag key={s}>{l(SERVICE_TYPE_LABELS[s])}</Tag>),
    },
    {
      key: 'term',
      title: t('colTerm'),
      width: 200,
      render: (_, c) => t('termRange', { from: c.starts_on, to: c.ends_on }),
    },
    { key: 'visits', title: t('colVisits'), dataIndex: 'visits_per_year', width: 90, align: 'right' },
    { key: 'fee', title: t('colFee'), width: 120, align: 'right', render: (_, c) => formatFee(c.fee_yuan) },
    {
      key: 'filed',
      title: t('colFiled'),
      width: 90,
      render: (_, c) => (c.filed ? <Tag color="green">{t('filed')}</Tag> : <Tag color="orange">{t('notFiled')}</Tag>),
    },
    {
      key: 'government',
      title: t('colGovernment'),
      width: 90,
      render: (_, c) => (c.government_commissioned ? t('yes') : t('no')),
    },
    {
      key: 'flags',
      title: t('colFlags'),
      width: 110,
      render: (_, c) =>
        c.findings.length === 0 ? (
          <Tag color="green" data-testid="contract-flags" data-count={0}>
            {t('flagsNone')}
          </Tag>
        ) : (
          <Tag color="red" data-testid="contract-flags" data-count={c.findings.length}>
            {t('flagsCount', { n: c.findings.length })}
          </Tag>
        ),
    },
    {
      key: 'active',
      title: t('colActive'),
      width: 110,
      render: (_, c) => (c.active ? <Tag color="blue">{t('contractActive')}</Tag> : <Tag>{t('contractInactive')}</Tag>),
    },
  ];

  return (
    <Table<ContractView>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={contracts}
      pagination={contracts.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
      locale={{ emptyText: t('noResults') }}
      expandable={{
        expandedRowRender: (c) => (
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'content', label: t('contractContent'), children: c.content },
              { key: 'acceptance', label: t('acceptanceStandard'), children: c.acceptance_standard },
              ...(
                [
                  ['method', 'termMethod'],
                  ['requirements', 'termRequirements'],
                  ['place', 'termPlace'],
                  ['acceptance_method', 'termAcceptanceMethod'],
                  ['payment', 'termPayment'],
                  ['breach_liability', 'termBreach'],
                  ['clauses', 'termClauses'],
                ] as const
              )
                .filter(([k]) => c.terms[k].trim() !== '')
                .map(([k, label]) => ({ key: k, label: t(label), children: c.terms[k] })),
              ...(c.findings.length > 0
                ? [
                    {
                      key: 'findings',
                      label: t('colFlags'),
                      children: (
                        <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="contract-findings">
                          {c.findings.map((f, i) => (
                            <li key={i} data-testid="contract-finding" data-kind={f.kind}>
                              <Tag color="red">{f.rule}</Tag>
                              {m(f.message)}
                              {f.matched && (
                                <div>
                                  <Typography.Text type="secondary">
                                    {t('matchedText')}：{f.matched}
                                  </Typography.Text>
                                </div>
                              )}
                            </li>
                          ))}
                        </ul>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        ),
      }}
    />
  );
}
