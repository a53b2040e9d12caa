import type { FormInstance } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from './api';
import type { CodeKind } from './bindings/CodeKind';
import type { CommandError } from './bindings/CommandError';
import type { I18n } from './i18n';

/**
 * A Form.Item validator that asks the Rust side whether a credit code or ID number is valid, so
 * the form shows exactly the message the save would give (e.g. 校验位错误，应为 3).
 * Empty input is left to the `required` rule.
 */
export function codeValidator(kind: CodeKind, i18n: I18n) {
  return async (_rule: unknown, value: unknown): Promise<void> => {
    if (typeof value !== 'string' || value.trim() === '') return;
    let valid: boolean;
    let message: string | null = null;
    try {
      const check = await api.checkCode(value, kind);
      valid = check.valid;
      if (check.error) message = i18n.m(check.error);
    } catch (e) {
      throw new Error(i18n.m(toCommandError(e).message));
    }
    if (!valid) throw new Error(message ?? i18n.t('invalidFormat'));
  };
}

/**
 * Puts a save error under the field it names, leaving every value as typed. Returns false when
 * the error names no field of this form, so the caller shows it above the form instead.
 */
export function placeFieldError<V>(form: FormInstance<V>, fields: readonly (keyof V & string)[], err: CommandError, i18n: I18n): boolean {
  const field = fields.find((f) => f === err.field);
  if (field === undefined) return false;
  form.setFields([{ name: field as never, errors: [i18n.m(err.message)] }]);
  form.scrollToField(field as never);
  return true;
}

/**
 * The save of a form in a modal: validates it, hands the values to `submit`, and on a refusal
 * puts the message under the field it names ([`placeFieldError`]) or, naming none, in
 * `formError` for the modal to show above the form. Every value stays as typed either way.
 */
export function useFormSubmit<V>(
  form: FormInstance<V>,
  fields: readonly (keyof V & string)[],
  i18n: I18n,
  submit: (values: V) => Promise<void>,
) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<CommandError | null>(null);
  const save = async () => {
    let values: V;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setFormError(null);
    try {
      await submit(values);
    } catch (e) {
      const err = toCommandError(e);
      if (!placeFieldError(form, fields, err, i18n)) setFormError(err);
    } finally {
      setSaving(false);
    }
  };
  return { saving, formError, save };
}
