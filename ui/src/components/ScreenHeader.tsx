import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { useNav } from '../nav';

/** Title row of a detail screen, with a back button when there is somewhere to go back to. */
export function ScreenHeader({ title, extra, testId }: { title: ReactNode; extra?: ReactNode; testId?: string }) {
  const { t } = useI18n();
  const nav = useNav();
  return (
    <Flex align="center" gap={12} wrap style={{ marginBottom: 16 }}>
      {nav.canGoBack && (
        <Button icon={<ArrowLeftOutlined />} onClick={nav.back} data-testid="back">
          {t('back')}
        </Button>
      )}
      <Typography.Title level={4} style={{ margin: 0 }} data-testid={testId}>
        {title}
      </Typography.Title>
      {extra}
    </Flex>
  );
}
