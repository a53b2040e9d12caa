import { Alert, Button } from 'antd';
import type { CommandError } from '../bindings/CommandError';
import { useI18n } from '../i18n';

export function ErrorAlert({ error, onRetry }: { error: CommandError; onRetry?: () => void }) {
  const { t, m } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      data-testid="command-error"
      data-code={error.code}
      title={m(error.message)}
      description={`${t('errorCode')}: ${error.code}`}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** A form's error that belongs to no field, above the form; nothing when there is none. */
export function FormError({ error }: { error: CommandError | null }) {
  if (!error) return null;
  return (
    <div style={{ marginBottom: 12 }}>
      <ErrorAlert error={error} />
    </div>
  );
}
