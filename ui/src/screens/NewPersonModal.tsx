import { App as AntApp, Col, Form, Input, Modal, Row, Select, Switch } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { NewPerson } from '../bindings/NewPerson';
import type { PersonSummary } from '../bindings/PersonSummary';
import type { StaffRole } from '../bindings/StaffRole';
import { AgencySelect } from '../components/AgencySelect';
import { FormError } from '../components/ErrorAlert';
import { codeValidator, placeFieldError } from '../forms';
import { STAFF_ROLE_LABELS, keysOf, useI18n } from '../i18n';

interface Values {
  id_number: string;
  name: string;
  phone: string;
  agency_id: string;
  role: StaffRole;
  full_time: boolean;
}

const FIELDS: (keyof Values)[] = ['id_number', 'name', 'phone', 'agency_id', 'role', 'full_time'];

/**
 * Registers a person with an agency. The ID number is checked by the Rust side (GB 11643 check
 * character, birth date) as it is typed; it is sent once and from then on only shown masked.
 */
export function NewPersonModal({
  open,
  onClose,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (p: PersonSummary) => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<CommandError | null>(null);

  const save = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const payload: NewPerson = {
      id_number: values.id_number.trim(),
      name: values.name.trim(),
      phone: values.phone.trim(),
      agency_id: values.agency_id,
      role: values.role,
      full_time: values.full_time,
    };
    setSaving(true);
    setFormError(null);
    try {
      const added = await api.addPerson(payload);
      message.success(t('personAdded', { name: added.name }));
      form.resetFields();
      onAdded(added);
    } catch (e) {
      const err = toCommandError(e);
      if (!placeFieldError(form, FIELDS, err, i18n)) setFormError(err);
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('required') }];

  return (
    <Modal
      open={open}
      title={t('newPersonTitle')}
      width={640}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      onOk={save}
      onCancel={onClose}
      mask={{ closable: false }}
    >
      <div data-testid="new-person-form">
        <FormError error={formError} />
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{ role: 'technician', full_time: true }}
          onValuesChange={(changed: Partial<Values>) => {
            // A part-time role cannot be full-time; saves the user an inconsistent pair.
            if (changed.role === 'part_time') form.setFieldValue('full_time', false);
          }}
        >
          <Row gutter={16}>
            <Col span={14}>
              <Form.Item
                name="id_number"
                label={t('fieldIdNumber')}
                validateTrigger={['onChange', 'onBlur']}
                validateDebounce={250}
                rules={[...required, { validator: codeValidator('id_number', i18n) }]}
              >
                <Input data-testid="field-id_number" maxLength={20} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="name" label={t('fieldPersonName')} rules={required}>
                <Input data-testid="field-person-name" />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="agency_id" label={t('fieldAgency')} rules={[{ required: true, message: t('required') }]}>
                <AgencySelect />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="phone" label={t('fieldPhone')} rules={required}>
                <Input data-testid="field-person-phone" />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="role" label={t('fieldRole')} rules={[{ required: true, message: t('required') }]}>
                <Select<StaffRole> options={keysOf(STAFF_ROLE_LABELS).map((k) => ({ value: k, label: l(STAFF_ROLE_LABELS[k]) }))} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="full_time" label={t('fieldFullTime')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </div>
    </Modal>
  );
}
