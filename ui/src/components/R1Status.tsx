import { Tag } from 'antd';
import type { AgencySummary } from '../bindings/AgencySummary';
import { useI18n } from '../i18n';

/** Whether an agency meets the R1 conditions today: 符合 or 不符合 N 项. */
export function R1Status({ agency }: { agency: AgencySummary }) {
  const { t } = useI18n();
  return agency.qualified ? (
    <Tag color="green" data-testid="r1-status" data-qualified="true">
      {t('r1Met')}
    </Tag>
  ) : (
    <Tag color="red" data-testid="r1-status" data-qualified="false">
      {t('r1Unmet', { n: agency.unmet_count })}
    </Tag>
  );
}
