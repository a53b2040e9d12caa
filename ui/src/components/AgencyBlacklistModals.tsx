import type { ButtonProps } from 'antd';
import { App as AntApp, Form, Input, Modal, Select } from 'antd';
import { api } from '../api';
import type { BlacklistChange } from '../bindings/BlacklistChange';
import type { BlacklistGround } from '../bindings/BlacklistGround';
import type { SubjectKind } from '../bindings/SubjectKind';
import { useFormSubmit } from '../forms';
import { keysOf, useI18n } from '../i18n';
import { FormError } from './ErrorAlert';
import { todayIso } from '../format';
import { BLACKLIST_GROUND_LABELS } from '../i18n';

interface EnterValues {
  ground: BlacklistGround | undefined;
  evidence: string;
  evidence_ref: string;
  entered_by: string;
  entered_on: string;
}

const ENTER_FIELDS: (keyof EnterValues)[] = ['ground', 'evidence', 'evidence_ref', 'entered_by', 'entered_on'];

/**
 * Puts an agency or a person on the serious-dishonesty list (R11). One of the four grounds and
 * the evidence are required here and again by the Rust side, which refuses an entry without
 * them and writes nothing.
 */
export function BlacklistEnterModal({
  subjectKind,
  subjectId,
  subjectName,
  onClose,
  onDone,
}: {
  subjectKind: SubjectKind;
  subjectId: string;
  subjectName: string;
  onClose: () => void;
  onDone: (c: BlacklistChange) => void;
}) {
  const i18n = useI18n();
  const { t, l } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EnterValues>();
  const { saving, formError, save } = useFormSubmit(form, ENTER_FIELDS, i18n, async (v) => {
    const change = await api.enterBlacklist({
      subject_kind: subjectKind,
      subject_id: subjectId,
      ground: v.ground ?? null,
      evidence: v.evidence ?? '',
      evidence_ref: v.evidence_ref?.trim() ? v.evidence_ref.trim() : null,
      entered_by: v.entered_by ?? '',
      entered_on: v.entered_on,
    });
    message.success(t('blEntered'));
    onDone(change);
  });

  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={`${t('blEnter')}：${subjectName}`}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('blEnter')}
      okButtonProps={{ danger: true, 'data-testid': 'blacklist-submit' } as ButtonProps}
      width={620}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" initialValues={{ entered_on: todayIso() }}>
        <Form.Item name="ground" label={t('blGround')} rules={[{ required: true, message: t('required') }]}>
          <Select
            data-testid="blacklist-ground"
            options={keysOf(BLACKLIST_GROUND_LABELS).map((g) => ({ value: g, label: l(BLACKLIST_GROUND_LABELS[g]) }))}
          />
        </Form.Item>
        <Form.Item name="evidence" label={t('blEvidence')} rules={required}>
          <Input.TextArea rows={4} data-testid="blacklist-evidence" />
        </Form.Item>
        <Form.Item name="evidence_ref" label={t('blEvidenceRef')}>
          <Input data-testid="blacklist-evidence-ref" />
        </Form.Item>
        <Form.Item name="entered_by" label={t('blDecidedBy')} rules={required}>
          <Input data-testid="blacklist-entered-by" />
        </Form.Item>
        <Form.Item name="entered_on" label={t('blEnteredOn')} rules={[{ required: true, message: t('required') }]}>
          <Input type="date" max={todayIso()} data-testid="blacklist-entered-on" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface LiftValues {
  reason: string;
  lifted_by: string;
  lifted_on: string;
}

const LIFT_FIELDS: (keyof LiftValues)[] = ['reason', 'lifted_by', 'lifted_on'];

/** Lifts an entry: a second record with the reason; the entry itself stays on file. */
export function BlacklistLiftModal({
  entryId,
  onClose,
  onDone,
}: {
  entryId: string;
  onClose: () => void;
  onDone: (c: BlacklistChange) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<LiftValues>();
  const { saving, formError, save } = useFormSubmit(form, LIFT_FIELDS, i18n, async (v) => {
    const change = await api.liftBlacklist(entryId, { reason: v.reason, lifted_by: v.lifted_by, lifted_on: v.lifted_on });
    message.success(t('blLifted'));
    onDone(change);
  });

  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={t('blLiftTitle')}
      onCancel={onClose}
      onOk={save}
      confirmLoading={saving}
      okText={t('blLift')}
      okButtonProps={{ 'data-testid': 'blacklist-lift-submit' } as ButtonProps}
      destroyOnHidden
    >
      <FormError error={formError} />
      <Form form={form} layout="vertical" initialValues={{ lifted_on: todayIso() }}>
        <Form.Item name="reason" label={t('blLiftReason')} rules={required}>
          <Input.TextArea rows={3} data-testid="blacklist-lift-reason" />
        </Form.Item>
        <Form.Item name="lifted_by" label={t('blDecidedBy')} rules={required}>
          <Input data-testid="blacklist-lifted-by" />
        </Form.Item>
        <Form.Item name="lifted_on" label={t('blLiftedOn')} rules={[{ required: true, message: t('required') }]}>
          <Input type="date" max={todayIso()} data-testid="blacklist-lifted-on" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
