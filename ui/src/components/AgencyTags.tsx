import { Tag } from 'antd';
import type { Grade } from '../bindings/Grade';
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
