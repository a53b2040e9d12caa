import { FolderOpenOutlined } from '@ant-design/icons';
import { Alert, Button, Typography } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import { useI18n } from '../i18n';

/** A file SafeServe wrote, with the button that shows it in its folder. */
export function Written({ label, path, testId, onClose }: { label: string; path: string; testId: string; onClose: () => void }) {
  const { t, m } = useI18n();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      data-testid={testId}
      data-path={path}
      title={
        <>
          {label}{' '}
          <Typography.Text code copyable>
            {path}
          </Typography.Text>
        </>
      }
      description={problem ?? undefined}
      action={
        <Button
          size="small"
          icon={<FolderOpenOutlined />}
          onClick={() => api.revealFile(path).catch((e: unknown) => setProblem(m(toCommandError(e).message)))}
        >
          {t('imOpenFolder')}
        </Button>
      }
    />
  );
}
