import { App as AntApp, Col, DatePicker, Form, Input, InputNumber, Modal, Row } from 'antd';
import type { ButtonProps } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { useFormSubmit } from '../forms';
import { useI18n } from '../i18n';
import { FormError } from './ErrorAlert';
import { todayIso } from '../format';

type Values = { course: string; organiser: string; completed_on: Dayjs; hours: number };

const FIELDS = ['course', 'organiser', 'completed_on', 'hours'] as const;

/**
 * 添加培训记录: a course a person completed, as the bureau enters it. Rust checks it (a named
 * course and organiser, a day that has happened, 0.5–1,000 hours) and the role.
 */
export function TrainingModal({
  personId,
  name,
  onClose,
  onSaved,
}: {
  personId: string;
  name: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    await api.recordTraining(personId, {
      course: v.course,
      organiser: v.organiser,
      completed_on: v.completed_on.format('YYYY-MM-DD'),
      hours: v.hours,
    });
    message.success(t('agSaved'));
    onSaved();
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={`${t('tfAdd')}：${name}`}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'training-submit' } as ButtonProps}
      width={560}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" data-testid="training-form" initialValues={{ completed_on: dayjs(todayIso()) }}>
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name="course" label={t('tfCourse')} rules={required}>
              <Input data-testid="training-course" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="organiser" label={t('tfOrganiser')} rules={required}>
              <Input data-testid="training-organiser" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="completed_on" label={t('tfCompletedOn')} rules={[{ required: true, message: t('required') }]}>
              <DatePicker style={{ width: '100%' }} data-testid="training-completed-on" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="hours" label={t('tfHours')} rules={[{ required: true, message: t('required') }]}>
              <InputNumber style={{ width: '100%' }} min={0.5} max={1000} step={0.5} data-testid="training-hours" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
