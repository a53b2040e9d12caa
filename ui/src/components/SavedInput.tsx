import { Input, Typography } from 'antd';
import { useSavedText } from '../hooks';
import { useI18n } from '../i18n';

/** A text input or area that saves itself as it is typed (see `useSavedText`). */
export function SavedInput({
  initial,
  save,
  disabled,
  multiline,
  placeholder,
  label,
  testId,
}: {
  initial: string;
  save: (value: string) => Promise<unknown>;
  disabled?: boolean;
  multiline?: boolean;
  placeholder?: string;
  /** A caption above the field, so a filled field still says what it is. */
  label?: string;
  testId?: string;
}) {
  const { t, m } = useI18n();
  const f = useSavedText(initial, save);
  const props = {
    value: f.value,
    disabled,
    placeholder,
    status: f.state === 'error' ? ('error' as const) : undefined,
    onChange: (e: { target: { value: string } }) => f.onChange(e.target.value),
    onBlur: f.onBlur,
    'data-testid': testId,
    'data-save-state': f.state,
  };
  return (
    <div>
      {label && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {label}
        </Typography.Text>
      )}
      {multiline ? <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} {...props} /> : <Input {...props} />}
      {f.state === 'error' && f.error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="save-error">
          {m(f.error.message)}
        </Typography.Text>
      )}
      {f.state === 'saving' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('saving')}
        </Typography.Text>
      )}
    </div>
  );
}
