import { Tag, Tooltip } from 'antd';
import type { Grade } from '../bindings/Grade';
import type { RecordedAct } from '../bindings/RecordedAct';
import { useI18n } from '../i18n';


/** A green A through a red D: the colour says the standing before the letter is read. */
export const GRADE_COLORS: Record<Grade, string> = { A: 'green', B: 'blue', C: 'orange', D: 'red' };

/** The recorded credit grade (R10); "未评级" before the first grading. */
export function GradeTag({ grade }: { grade: Grade | null }) {
  const { t } = useI18n();
  if (grade === null)
    return (
      <Tag data-testid="grade-tag" data-grade="">
        {t('grUngraded')}
      </Tag>
    );
  return (
    <Tag color={GRADE_COLORS[grade]} data-testid="grade-tag" data-grade={grade} style={{ fontWeight: 600 }}>
      {grade}
    </Tag>
  );
}

/** The red 黑名单 tag of an agency on the serious-dishonesty list (R11). */
export function BlacklistTag({ blacklisted }: { blacklisted: boolean }) {
  const { t } = useI18n();
  if (!blacklisted) return null;
  return (
    <Tag color="red" data-testid="blacklist-tag">
      {t('grBlacklisted')}
    </Tag>
  );
}

/** The red 已移除平台 tag of an agency removed from the platform (R12), its decision on hover. */
export function RemovalTag({ removal }: { removal: RecordedAct | null }) {
  const { t } = useI18n();
  if (!removal) return null;
  return (
    <Tooltip title={t('stRemovedSince', { on: removal.decided_on, note: removal.note, by: removal.decided_by })}>
      <Tag color="magenta" data-testid="removal-tag" data-on={removal.decided_on}>
        {t('stRemoved')}
      </Tag>
    </Tooltip>
  );
}
