import { App as AntApp, Cascader, Col, Form, Input, Modal, Row, Select } from 'antd';
import { useMemo, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Division } from '../bindings/Division';
import type { EnterpriseSize } from '../bindings/EnterpriseSize';
import type { EnterpriseSummary } from '../bindings/EnterpriseSummary';
import type { Industry } from '../bindings/Industry';
import type { NewEnterprise } from '../bindings/NewEnterprise';
import { FormError } from '../components/ErrorAlert';
import { divisionOfPath, divisionOptions } from '../divisions';
import { INDUSTRY_LABELS, ENTERPRISE_SIZE_LABELS, keysOf, useI18n } from '../i18n';
import { codeValidator, placeFieldError } from '../forms';

interface Values {
  credit_code: string;
  name: string;
  address: string;
  division: string[];
  industry: Industry;
  size: EnterpriseSize;
  park?: string;
  principal: string;
  safety_contact: string;
  phone: string;
}

const FIELDS: (keyof Values)[] = [
  'credit_code',
  'name',
  'address',
  'division',
  'industry',
  'size',
  'park',
  'principal',
  'safety_contact',
  'phone',
];

/**
 * Registers an enterprise by hand. The credit code is checked by the Rust side as it is typed,
 * with the same rule the save uses, so the message under the field is the one the save would give.
 * Closing or a failed save keeps every value; only a successful save clears the form.
 */
export function NewEnterpriseModal({
  open,
  divisions,
  onClose,
  onAdded,
}: {
  open: boolean;
  divisions: Division[];
  onClose: () => void;
  onAdded: (e: EnterpriseSummary) => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<CommandError | null>(null);
  const options = useMemo(() => divisionOptions(divisions), [divisions]);

  const save = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the messages under the fields
    }
    const division = divisionOfPath(values.division);
    if (division === null) return;
    const park = values.park?.trim();
    const payload: NewEnterprise = {
      credit_code: values.credit_code.trim(),
      name: values.name.trim(),
      address: values.address.trim(),
      division,
      industry: values.industry,
      size: values.size,
      park: park ? park : null,
      principal: values.principal.trim(),
      safety_contact: values.safety_contact.trim(),
      phone: values.phone.trim(),
    };
    setSaving(true);
    setFormError(null);
    try {
      const added = await api.addEnterprise(payload);
      message.success(t('enterpriseAdded', { name: added.name }));
      form.resetFields();
      onAdded(added);
    } catch (e) {
      const err = toCommandError(e);
      if (!placeFieldError(form, FIELDS, err, i18n)) setFormError(err);
    } finally {
      setSaving(false);
    }
  };

  // A valid code is shown the way it is stored (full-width and lower-case letters normalised).
  const normaliseCreditCode = async () => {
    const value: string | undefined = form.getFieldValue('credit_code');
    if (!value?.trim()) return;
    try {
      const check = await api.checkCode(value, 'credit_code');
      if (check.valid && check.display && check.display !== value) form.setFieldValue('credit_code', check.display);
    } catch {
      // The validator reports failures of the check itself.
    }
  };

  const required = [{ required: true, whitespace: true, message: t('required') }];

  return (
    <Modal
      open={open}
      title={t('newEnterpriseTitle')}
      width={760}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      onOk={save}
      onCancel={onClose}
      mask={{ closable: false }}
    >
      <div data-testid="new-enterprise-form">
        <FormError error={formError} />
        <Form<Values> form={form} layout="vertical" requiredMark>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                name="credit_code"
                label={t('fieldCreditCode')}
                validateTrigger={['onChange', 'onBlur']}
                validateDebounce={250}
                rules={[...required, { validator: codeValidator('credit_code', i18n) }]}
              >
                <Input data-testid="field-credit_code" maxLength={24} onBlur={normaliseCreditCode} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="name" label={t('fieldName')} rules={required}>
                <Input data-testid="field-name" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="division" label={t('fieldDivision')} rules={[{ required: true, message: t('required') }]}>
                <Cascader options={options} changeOnSelect showSearch placeholder={t('fieldDivision')} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="address" label={t('fieldAddress')} rules={required}>
                <Input data-testid="field-address" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="industry" label={t('fieldIndustry')} rules={[{ required: true, message: t('required') }]}>
                <Select<Industry>
                  showSearch={{ optionFilterProp: 'label' }}
                  options={keysOf(INDUSTRY_LABELS).map((k) => ({ value: k, label: l(INDUSTRY_LABELS[k]) }))}
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="size" label={t('fieldSize')} rules={[{ required: true, message: t('required') }]}>
                <Select<EnterpriseSize> options={keysOf(ENTERPRISE_SIZE_LABELS).map((k) => ({ value: k, label: l(ENTERPRISE_SIZE_LABELS[k]) }))} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="park" label={t('fieldPark')}>
                <Input data-testid="field-park" placeholder={t('fieldParkPlaceholder')} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="principal" label={t('fieldPrincipal')} rules={required}>
                <Input data-testid="field-principal" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="safety_contact" label={t('fieldSafetyContact')} rules={required}>
                <Input data-testid="field-safety_contact" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="phone" label={t('fieldPhone')} rules={required}>
                <Input data-testid="field-phone" />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </div>
    </Modal>
  );
}
