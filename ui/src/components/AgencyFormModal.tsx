import { App as AntApp, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Switch } from 'antd';
import type { ButtonProps } from 'antd';
import { api } from '../api';
import type { AgencyDetail } from '../bindings/AgencyDetail';
import type { AgencyForm } from '../bindings/AgencyForm';
import type { ServiceType } from '../bindings/ServiceType';
import { codeValidator, useFormSubmit } from '../forms';
import { useLoad } from '../hooks';
import { INDUSTRY_LABELS, MANAGEMENT_DOCUMENT_LABELS, SERVICE_TYPE_LABELS, keysOf, useI18n } from '../i18n';
import { FormError } from './ErrorAlert';

/** The form's values: the register's fields, the fees one number per service type (yuan a year). */
type Values = Omit<AgencyForm, 'fees'> & { fees: Partial<Record<ServiceType, number | null>> };

const FIELDS = [
  'credit_code',
  'name',
  'address',
  'office_area_m2',
  'division',
  'service_types',
  'high_risk_industries',
  'platform_registered',
  'documents',
  'fees',
] as const;

/** The industries core's `Industry::is_high_risk` names; Rust refuses any other in this field. */
const HIGH_RISK = [
  'chemical',
  'hazardous_chemicals',
  'mining',
  'fireworks',
  'metallurgy',
  'dust_explosion',
  'ammonia_refrigeration',
] as const;

function initial(detail: AgencyDetail | null): Values {
  if (!detail) {
    return {
      credit_code: '',
      name: '',
      address: '',
      office_area_m2: 0,
      division: '',
      service_types: [],
      high_risk_industries: [],
      platform_registered: false,
      documents: [],
      fees: {},
    };
  }
  return {
    credit_code: detail.agency.credit_code,
    name: detail.agency.name,
    address: detail.address,
    office_area_m2: detail.office_area_m2,
    division: detail.division,
    service_types: detail.service_types,
    high_risk_industries: detail.high_risk_industries,
    platform_registered: detail.platform_registered,
    documents: detail.documents,
    fees: Object.fromEntries(detail.reference_fees.map((f) => [f.service, f.yuan])),
  };
}

/**
 * 登记服务机构 (no `detail`) or 编辑登记信息 of one: every fact R1 asks and the R2 reference fees.
 * Rust checks the form and the role, writes each change to the audit log with the value it
 * replaced, and refuses a credit code that is taken or changed, naming the field.
 */
export function AgencyFormModal({ detail, onClose, onSaved }: { detail: AgencyDetail | null; onClose: () => void; onSaved: (id: string) => void }) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const divisions = useLoad('divisions', () => api.listDivisions());
  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    const fees = keysOf(SERVICE_TYPE_LABELS)
      .filter((s) => typeof v.fees?.[s] === 'number')
      .map((s) => ({ service: s, yuan: v.fees[s] as number }));
    const saved = await api.saveAgency({ ...v, fees }, detail?.agency.id ?? null);
    message.success(t('agSaved'));
    onSaved(saved);
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={detail ? `${t('agEdit')}：${detail.agency.name}` : t('agNew')}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'agency-form-submit' } as ButtonProps}
      width={760}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" initialValues={initial(detail)} data-testid="agency-form">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="credit_code"
              label={t('colCreditCode')}
              extra={detail ? t('agCodeFixed') : undefined}
              rules={[...required, { validator: codeValidator('credit_code', i18n) }]}
            >
              <Input disabled={detail !== null} data-testid="agency-form-credit-code" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="name" label={t('agName')} rules={required}>
              <Input data-testid="agency-form-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="address" label={t('colAddress')} rules={required}>
              <Input data-testid="agency-form-address" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="office_area_m2" label={t('officeArea')} rules={[{ required: true, message: t('required') }]}>
              <InputNumber min={0} addonAfter="m²" style={{ width: '100%' }} data-testid="agency-form-area" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="division" label={t('colDivision')} rules={[{ required: true, message: t('required') }]}>
              <Select
                data-testid="agency-form-division"
                showSearch={{ optionFilterProp: 'label' }}
                loading={divisions.loading}
                options={(divisions.data ?? []).map((d) => ({ value: d.code, label: d.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="service_types" label={t('serviceTypes')} rules={[{ required: true, message: t('required') }]}>
          <Checkbox.Group
            data-testid="agency-form-services"
            options={keysOf(SERVICE_TYPE_LABELS).map((k) => ({ value: k, label: l(SERVICE_TYPE_LABELS[k]) }))}
          />
        </Form.Item>
        <Form.Item name="high_risk_industries" label={t('highRiskIndustries')}>
          <Checkbox.Group options={HIGH_RISK.map((k) => ({ value: k, label: l(INDUSTRY_LABELS[k]) }))} />
        </Form.Item>
        <Form.Item name="documents" label={t('documents')}>
          <Checkbox.Group
            options={keysOf(MANAGEMENT_DOCUMENT_LABELS).map((k) => ({ value: k, label: l(MANAGEMENT_DOCUMENT_LABELS[k]) }))}
          />
        </Form.Item>
        <Form.Item name="platform_registered" label={t('platformRegistered')} valuePropName="checked">
          <Switch data-testid="agency-form-platform" />
        </Form.Item>
        <Form.Item label={t('agFees')} extra={t('agFeesNote')}>
          <Row gutter={12}>
            {keysOf(SERVICE_TYPE_LABELS).map((s) => (
              <Col span={6} key={s}>
                <Form.Item name={['fees', s]} noStyle>
                  <InputNumber min={0} placeholder={l(SERVICE_TYPE_LABELS[s])} style={{ width: '100%' }} data-testid={`agency-form-fee-${s}`} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        </Form.Item>
      </Form>
    </Modal>
  );
}
