import type { ButtonProps } from 'antd';
import { App as AntApp, Form, Input, Modal, Radio, Rate, Select } from 'antd';
import { api } from '../api';
import type { EvaluationView } from '../bindings/EvaluationView';
import type { RaterKind } from '../bindings/RaterKind';
import { useFormSubmit } from '../forms';
import { useI18n } from '../i18n';
import { FormError } from './ErrorAlert';
import { todayIso } from '../format';
import { RATER_KIND_LABELS } from '../i18n';

interface Values {
  rater_kind: RaterKind;
  enterprise_id: string | undefined;
  rater: string;
  quality: number;
  timeliness: number;
  fees: number;
  note: string;
  rated_on: string;
}

const FIELDS: (keyof Values)[] = ['rater_kind', 'enterprise_id', 'rater', 'quality', 'timeliness', 'fees', 'note', 'rated_on'];

/**
 * Records a rating of the agency (R13) by an enterprise it serves or by an inspector: quality,
 * timeliness and fees, 1–5 each (3 is neutral in the grade).
 */
export function AgencyEvaluationModal({
  agencyId,
  enterprises,
  onClose,
  onAdded,
}: {
  agencyId: string;
  /** The enterprises the agency has contracts with: [id, name]. */
  enterprises: [string, string][];
  onClose: () => void;
  onAdded: (e: EvaluationView) => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('rater_kind', form) ?? 'inspector';

  const { saving, formError, save } = useFormSubmit(form, FIELDS, i18n, async (v) => {
    const added = await api.addEvaluation({
      agency_id: agencyId,
      rater_kind: v.rater_kind,
      enterprise_id: v.rater_kind === 'enterprise' ? (v.enterprise_id ?? null) : null,
      visit_id: null,
      rater: v.rater ?? '',
      quality: v.quality ?? 0,
      timeliness: v.timeliness ?? 0,
      fees: v.fees ?? 0,
      note: v.note ?? '',
      rated_on: v.rated_on,
    });
    message.success(t('evAdded'));
    onAdded(added);
  });

  const stars = [{ required: true, type: 'number' as const, min: 1, max: 5, message: t('required') }];
  return (
    <Modal
      open
      title={t('evAdd')}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('save')}
      okButtonProps={{ 'data-testid': 'evaluation-submit' } as ButtonProps}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ rater_kind: 'inspector', quality: 3, timeliness: 3, fees: 3, note: '', rated_on: todayIso() }}
      >
        <Form.Item name="rater_kind" label={t('evRaterKind')}>
          <Radio.Group
            data-testid="evaluation-rater-kind"
            options={(['inspector', 'enterprise'] as RaterKind[]).map((k) => ({ value: k, label: l(RATER_KIND_LABELS[k]) }))}
          />
        </Form.Item>
        {kind === 'enterprise' && (
          <Form.Item name="enterprise_id" label={t('evEnterprise')} rules={[{ required: true, message: t('required') }]}>
            <Select
              data-testid="evaluation-enterprise"
              showSearch={{ optionFilterProp: 'label' }}
              options={enterprises.map(([id, name]) => ({ value: id, label: name }))}
            />
          </Form.Item>
        )}
        <Form.Item name="rater" label={t('evRater')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
          <Input data-testid="evaluation-rater" />
        </Form.Item>
        <Form.Item name="quality" label={t('evQuality')} rules={stars}>
          <Rate data-testid="evaluation-quality" />
        </Form.Item>
        <Form.Item name="timeliness" label={t('evTimeliness')} rules={stars}>
          <Rate data-testid="evaluation-timeliness" />
        </Form.Item>
        <Form.Item name="fees" label={t('evFees')} rules={stars}>
          <Rate data-testid="evaluation-fees" />
        </Form.Item>
        <Form.Item name="note" label={t('evNote')}>
          <Input.TextArea rows={2} data-testid="evaluation-note" />
        </Form.Item>
        <Form.Item name="rated_on" label={t('evRatedOn')} rules={[{ required: true, message: t('required') }]}>
          <Input type="date" max={todayIso()} data-testid="evaluation-rated-on" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
