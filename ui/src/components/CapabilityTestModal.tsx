import type { ButtonProps } from 'antd';
import { App as AntApp, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { api } from '../api';
import type { CapabilityTestView } from '../bindings/CapabilityTestView';
import { useFormSubmit } from '../forms';
import { useI18n } from '../i18n';
import { FormError } from './ErrorAlert';
import { todayIso } from '../format';

interface Values {
  person_id: string;
  taken_on: string;
  score: number;
  passed: boolean;
}

const FIELDS: (keyof Values)[] = ['person_id', 'taken_on', 'score', 'passed'];

/**
 * Records a capability-test result (R12) for one of `people` ([id, name]); with one person the
 * choice is fixed. The Rust side refuses a score outside 0–100, a future date or an unknown person.
 */
export function CapabilityTestModal({
  people,
  onClose,
  onRecorded,
}: {
  people: [string, string][];
  onClose: () => void;
  onRecorded: (t: CapabilityTestView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const personId = Form.useWatch('person_id', form);
  const name = people.find(([id]) => id === personId)?.[1] ?? '';

  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    const recorded = await api.recordCapabilityTest(v.person_id, v.taken_on, v.score, v.passed);
    message.success(t('capRecorded'));
    onRecorded(recorded);
  });

  return (
    <Modal
      open
      title={t('capTitle', { name })}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'capability-submit' } as ButtonProps}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ person_id: people.length === 1 ? people[0][0] : undefined, taken_on: todayIso(), passed: true }}
      >
        <Form.Item name="person_id" label={t('staff')} rules={[{ required: true, message: t('required') }]}>
          <Select
            data-testid="capability-person"
            disabled={people.length === 1}
            showSearch={{ optionFilterProp: 'label' }}
            options={people.map(([id, n]) => ({ value: id, label: n }))}
          />
        </Form.Item>
        <Form.Item name="taken_on" label={t('capTakenOn')} rules={[{ required: true, message: t('required') }]}>
          <Input type="date" max={todayIso()} data-testid="capability-taken-on" />
        </Form.Item>
        <Form.Item name="score" label={t('capScore')} rules={[{ required: true, message: t('required') }]}>
          <InputNumber min={0} max={100} precision={0} data-testid="capability-score" />
        </Form.Item>
        <Form.Item name="passed" label={t('capPassed')} valuePropName="checked">
          <Switch data-testid="capability-passed" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
