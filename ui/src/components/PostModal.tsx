import { App as AntApp, Col, DatePicker, Form, Input, Modal, Row, Select, Switch } from 'antd';
import type { ButtonProps } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import type { EmploymentView } from '../bindings/EmploymentView';
import type { StaffRole } from '../bindings/StaffRole';
import { useFormSubmit } from '../forms';
import { STAFF_ROLE_LABELS, keysOf, useI18n } from '../i18n';
import { AgencySelect } from './AgencySelect';
import { FormError } from './ErrorAlert';

type Values = {
  agency_id: string;
  role: StaffRole;
  full_time: boolean;
  started_on?: Dayjs | null;
  ended_on?: Dayjs | null;
};

const FIELDS = ['agency_id', 'role', 'full_time', 'started_on', 'ended_on'] as const;

/**
 * 添加任职 / 修改任职 for a registered person: the agency, role, full- or part-time and the
 * dates from a calendar. A post already held (`post`) is corrected in place and its agency
 * fixed; Rust checks the dates and the role, keeps the old terms in the audit log and answers
 * a full-time post overlapping another agency's with a note, shown here as a warning.
 */
export function PostModal({
  personId,
  name,
  post,
  onClose,
  onSaved,
}: {
  personId: string;
  name: string;
  post?: EmploymentView;
  onClose: () => void;
  onSaved: () => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message, modal } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);
  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    const notes = await api.recordPost(personId, {
      agency_id: v.agency_id,
      role: v.role,
      full_time: v.full_time,
      started_on: day(v.started_on),
      ended_on: day(v.ended_on),
    });
    message.success(t('agSaved'));
    if (notes.length > 0) {
      modal.warning({
        title: t('pfSharedTitle'),
        content: (
          <div data-testid="post-notes">
            {notes.map((n, i) => (
              <p key={i}>{l(n)}</p>
            ))}
          </div>
        ),
      });
    }
    onSaved();
  });
  const initial: Partial<Values> = post
    ? {
        agency_id: post.agency_id,
        role: post.role,
        full_time: post.full_time,
        started_on: post.started_on ? dayjs(post.started_on) : null,
        ended_on: post.ended_on ? dayjs(post.ended_on) : null,
      }
    : { role: 'technician', full_time: true };
  return (
    <Modal
      open
      title={`${post ? t('pfEdit') : t('pfAdd')}：${name}`}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'post-submit' } as ButtonProps}
      width={620}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form
        form={form}
        layout="vertical"
        data-testid="post-form"
        initialValues={initial}
        onValuesChange={(changed: Partial<Values>) => {
          // A part-time role cannot be full-time, as on the new-person form.
          if (changed.role === 'part_time') form.setFieldValue('full_time', false);
        }}
      >
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="agency_id" label={t('pfAgency')} rules={[{ required: true, message: t('required') }]}>
              {post ? <FixedAgency name={post.agency_name} /> : <AgencySelect />}
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="role" label={t('fieldRole')} rules={[{ required: true, message: t('required') }]}>
              <Select<StaffRole>
                data-testid="post-role"
                showSearch={{ optionFilterProp: 'label' }}
                options={keysOf(STAFF_ROLE_LABELS).map((k) => ({ value: k, label: l(STAFF_ROLE_LABELS[k]) }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="full_time" label={t('fieldFullTime')} valuePropName="checked">
              <Switch data-testid="post-full-time" />
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item name="started_on" label={t('pfStartedOn')}>
              <DatePicker style={{ width: '100%' }} data-testid="post-started-on" />
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item name="ended_on" label={t('pfEndedOn')} extra={t('pfEndedHint')}>
              <DatePicker style={{ width: '100%' }} data-testid="post-ended-on" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

/** The agency of a post being corrected: shown, not changed (another agency is another post). */
function FixedAgency({ name }: { name: string; value?: string }) {
  return <Input value={name} disabled data-testid="post-agency-fixed" />;
}
