import { App as AntApp, Col, DatePicker, Form, Input, Modal, Row, Select } from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import type { CertificateKind } from '../bindings/CertificateKind';
import type { PersonSummary } from '../bindings/PersonSummary';
import { useFormSubmit } from '../forms';
import { CERTIFICATE_KIND_LABELS, keysOf, useI18n } from '../i18n';
import { FormError } from './ErrorAlert';

type Values = {
  kind: CertificateKind;
  number: string;
  issuer: string;
  specialty?: string;
  level?: string;
  issued_on?: Dayjs | null;
  expires_on?: Dayjs | null;
};

const FIELDS = ['kind', 'number', 'issuer', 'specialty', 'level', 'issued_on', 'expires_on'] as const;

/**
 * 添加证书 for a registered person, as the paper says it: kind, number, issuer, specialty and
 * level where it has them, the dates from a calendar. The same kind and number again corrects
 * that certificate. Rust checks the form and the role and keeps the old terms in the audit log.
 */
export function CertificateModal({ person, onClose, onSaved }: { person: PersonSummary; onClose: () => void; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);
  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    await api.recordCertificate(person.id, {
      kind: v.kind,
      number: v.number,
      issuer: v.issuer,
      specialty: v.specialty ?? null,
      level: v.level ?? null,
      issued_on: day(v.issued_on),
      expires_on: day(v.expires_on),
    });
    message.success(t('agSaved'));
    onSaved();
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={`${t('certAdd')}：${person.name}`}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'certificate-submit' } as ButtonProps}
      width={620}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" data-testid="certificate-form">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="kind" label={t('cfKind')} rules={[{ required: true, message: t('required') }]}>
              <Select
                data-testid="certificate-kind"
                showSearch={{ optionFilterProp: 'label' }}
                options={keysOf(CERTIFICATE_KIND_LABELS).map((k) => ({ value: k, label: l(CERTIFICATE_KIND_LABELS[k]) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="number" label={t('cfNumber')} rules={required}>
              <Input data-testid="certificate-number" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="issuer" label={t('cfIssuer')} rules={required}>
              <Input data-testid="certificate-issuer" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="specialty" label={t('cfSpecialty')}>
              <Input data-testid="certificate-specialty" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="level" label={t('cfLevel')}>
              <Input data-testid="certificate-level" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="issued_on" label={t('cfIssuedOn')}>
              <DatePicker style={{ width: '100%' }} data-testid="certificate-issued-on" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="expires_on" label={t('cfExpiresOn')} extra={t('cfNoExpiry')}>
              <DatePicker style={{ width: '100%' }} data-testid="certificate-expires-on" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
