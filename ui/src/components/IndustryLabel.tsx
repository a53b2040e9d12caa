import { Tag } from 'antd';
import type { Industry } from '../bindings/Industry';
import { INDUSTRY_LABELS, useI18n } from '../i18n';

/** An enterprise's industry, with the red 高危 tag when it is a high-risk one. */
export function IndustryLabel({ industry, highRisk }: { industry: Industry; highRisk: boolean }) {
  const { t, l } = useI18n();
  return (
    <>
      {l(INDUSTRY_LABELS[industry])}
      {highRisk && (
        <Tag color="red" style={{ marginInlineStart: 6 }}>
          {t('highRisk')}
        </Tag>
      )}
    </>
  );
}
