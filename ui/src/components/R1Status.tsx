import { Tag } from 'antd';
import type { AgencySummary } from '../bindings/AgencySummary';
import { useI18n } from '../i18n';
import { BlacklistTag, GradeTag, RemovalTag } from './AgencyTags';

/**
 * Whether an agency meets the R1 conditions today (符合 or 不符合 N 项), followed by its credit
 * grade and, when it is on the serious-dishonesty list or removed from the platform, the red
 * 黑名单 and 已移除平台 tags — so the agency's standing shows wherever the agency appears.
 */
export function R1Status({ agency }: { agency: AgencySummary }) {
  const { t } = useI18n();
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {agency.qualified ? (
        <Tag color="green" data-testid="r1-status" data-qualified="true">
          {t('r1Met')}
        </Tag>
      ) : (
        <Tag color="red" data-testid="r1-status" data-qualified="false">
          {t('r1Unmet', { n: agency.unmet_count })}
        </Tag>
      )}
      <GradeTag grade={agency.grade} />
      <BlacklistTag blacklisted={agency.blacklisted} />
      <RemovalTag removal={agency.removal} />
    </span>
  );
}
