import { Alert, Checkbox, Col, Collapse, Form, Input, InputNumber, Modal, Row } from 'antd';
import type { ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { api, toCommandError } from '../api';
import { todayIso } from '../format';
import type { CommandError } from '../bindings/CommandError';
import type { ContractView } from '../bindings/ContractView';
import type { Message } from '../bindings/Message';
import type { NewContract } from '../bindings/NewContract';
import type { ServiceType } from '../bindings/ServiceType';
import { SERVICE_TYPE_LABELS, keysOf, useI18n } from '../i18n';
import { AgencySelect } from './AgencySelect';
import { ErrorAlert } from './ErrorAlert';
import { Messages } from './Messages';

interface Values {
  agency_id?: string;
  service_types: ServiceType[];
  content: string;
  visits_per_year: number;
  starts_on: string;
  ends_on: string;
  fee_yuan: number | null;
  acceptance_standard: string;
  method: string;
  requirements: string;
  place: string;
  acceptance_method: string;
  payment: string;
  breach_liability: string;
  clauses: string;
  filed_with: string;
  filed_on: string;
}

function toForm(enterpriseId: string, commissioned: boolean, v: Values): NewContract {
  return {
    agency_id: v.agency_id ?? '',
    enterprise_id: enterpriseId,
    service_types: v.service_types ?? [],
    content: v.content ?? '',
    visits_per_year: v.visits_per_year ?? 0,
    starts_on: v.starts_on ?? '',
    ends_on: v.ends_on ?? '',
    fee_fen: Math.round((v.fee_yuan ?? 0) * 100),
    acceptance_standard: v.acceptance_standard ?? '',
    terms: {
      method: v.method ?? '',
      requirements: v.requirements ?? '',
      place: v.place ?? '',
      acceptance_method: v.acceptance_method ?? '',
      payment: v.payment ?? '',
      breach_liability: v.breach_liability ?? '',
      clauses: v.clauses ?? '',
    },
    filed_with: v.filed_with?.trim() ? v.filed_with.trim() : null,
    filed_on: v.filed_on?.trim() ? v.filed_on.trim() : null,
    government_commissioned: commissioned,
  };
}


/**
 * Records a service contract, or gives a government-commissioned check (政府委托, R9). What bars
 * it — no fee, the agency already serving the enterprise, another agency's overlapping commission,
 * a D grade or the blacklist — is asked of the Rust side as the form changes and listed with the
 * contract it conflicts with; 确定 stays disabled until the list is empty.
 */
export function ContractModal({
  enterpriseId,
  township,
  commissioned,
  onClose,
  onAdded,
}: {
  enterpriseId: string;
  township: string;
  commissioned: boolean;
  onClose: () => void;
  onAdded: (c: ContractView) => void;
}) {
  const { t, l } = useI18n();
  const [form] = Form.useForm<Values>();
  const [problems, setProblems] = useState<Message[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const [values, setValues] = useState<Values | null>(null);

  useEffect(() => {
    if (!values?.agency_id) {
      setProblems(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .contractProblems(toForm(enterpriseId, commissioned, values))
        .then((p) => live && (setProblems(p), setError(null)))
        .catch((e) => live && setError(toCommandError(e)));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [values, enterpriseId, commissioned]);

  const initial: Partial<Values> = {
    service_types: commissioned ? ['professional_technical'] : ['safety_management'],
    visits_per_year: commissioned ? 1 : 4,
    starts_on: todayIso(),
    ends_on: todayIso(364),
    fee_yuan: null,
    filed_with: township,
  };

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      onAdded(await api.addContract(toForm(enterpriseId, commissioned, v)));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };

  const blocked = !values?.agency_id || problems === null || problems.length > 0;
  const required = [{ required: true, message: t('requiredField') }];
  return (
    <Modal
      open
      width={760}
      title={commissioned ? t('commissionTitle') : t('contractTitle')}
      onCancel={onClose}
      onOk={submit}
      okText={commissioned ? t('commissionConfirm') : t('contractConfirm')}
      okButtonProps={{ disabled: blocked, loading: saving, 'data-testid': 'contract-submit' } as ButtonProps}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        size="small"
        initialValues={initial}
        onValuesChange={(_, all) => setValues({ ...all })}
        data-testid="contract-form"
      >
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name="agency_id" label={t('colAgency')} rules={required}>
              <AgencySelect />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="fee_yuan" label={t('contractFeeYuan')}>
              <InputNumber min={0} step={100} style={{ width: '100%' }} data-testid="contract-fee" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="service_types" label={t('colServiceTypes')} rules={required}>
          <Checkbox.Group options={keysOf(SERVICE_TYPE_LABELS).map((k) => ({ value: k, label: l(SERVICE_TYPE_LABELS[k]) }))} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="starts_on" label={t('contractStarts')} rules={required}>
              <Input placeholder="YYYY-MM-DD" data-testid="contract-starts" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="ends_on" label={t('contractEnds')} rules={required}>
              <Input placeholder="YYYY-MM-DD" data-testid="contract-ends" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="visits_per_year" label={t('colVisits')}>
              <InputNumber min={0} max={365} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="content" label={t('contractContent')} rules={required}>
          <Input.TextArea rows={2} data-testid="contract-content" />
        </Form.Item>
        <Collapse
          size="small"
          items={[
            {
              key: 'terms',
              label: t('contractTerms'),
              forceRender: true,
              children: (
                <Row gutter={12}>
                  {(
                    [
                      ['acceptance_standard', 'acceptanceStandard'],
                      ['method', 'termMethod'],
                      ['requirements', 'termRequirements'],
                      ['place', 'termPlace'],
                      ['acceptance_method', 'termAcceptanceMethod'],
                      ['payment', 'termPayment'],
                      ['breach_liability', 'termBreach'],
                      ['filed_with', 'contractFiledWith'],
                      ['filed_on', 'contractFiledOn'],
                    ] as const
                  ).map(([name, label]) => (
                    <Col span={12} key={name}>
                      <Form.Item name={name} label={t(label)}>
                        <Input data-testid={`contract-${name}`} />
                      </Form.Item>
                    </Col>
                  ))}
                  <Col span={24}>
                    <Form.Item name="clauses" label={t('termClauses')}>
                      <Input.TextArea rows={3} data-testid="contract-clauses" />
                    </Form.Item>
                  </Col>
                </Row>
              ),
            },
          ]}
        />
      </Form>
      {problems && problems.length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          title={commissioned ? t('commissionRefused') : t('contractRefused')}
          description={<Messages messages={problems} testId="contract-problem" />}
          data-testid="contract-problems"
        />
      )}
      {error && <ErrorAlert error={error} />}
    </Modal>
  );
}
