import { Tag } from 'antd';
import type { BlacklistGround } from '../bindings/BlacklistGround';
import type { DeductionKind } from '../bindings/DeductionKind';
import type { Grade } from '../bindings/Grade';
import type { RaterKind } from '../bindings/RaterKind';
import { useI18n } from '../i18n';

type Pair = { zh: string; en: string };

/** A green A through a red D: the colour says the standing before the letter is read. */
export const GRADE_COLORS: Record<Grade, string> = { A: 'green', B: 'blue', C: 'orange', D: 'red' };

export const GROUND_LABELS: Record<BlacklistGround, Pair> = {
  affiliation_or_subcontracting: { zh: '非法挂靠或转包服务业务', en: 'Illegal affiliation or subcontracting' },
  false_report: { zh: '出具虚假或严重失实报告', en: 'False or seriously untrue report' },
  accident_responsibility: { zh: '对服务对象发生生产安全事故负有责任', en: 'Responsible for an accident at a client' },
  certificate_fraud: { zh: '伪造、转让、出借资质证书或冒名签字', en: 'Forged, transferred or lent certificates, or signed for another' },
};

export const DEDUCTION_LABELS: Record<DeductionKind, Pair> = {
  letter: { zh: '收到函告', en: 'Letters received' },
  letter_overdue: { zh: '函告逾期未回复', en: 'Letter replies overdue' },
  unmet_condition: { zh: '不符合机构条件（R1）', en: 'Unmet R1 conditions' },
  capability_test: { zh: '能力测试未通过或未参加', en: 'Failed or untested' },
  low_price: { zh: '低价合同', en: 'Low-price contracts' },
  major_hazard_missed: { zh: '抽查发现未列出的重大隐患', en: 'Major hazards missed' },
  evaluation: { zh: '服务评价', en: 'Evaluations' },
  blacklist: { zh: '列入严重失信名单', en: 'Blacklisted' },
};

export const RATER_LABELS: Record<RaterKind, Pair> = {
  enterprise: { zh: '服务企业', en: 'Enterprise served' },
  inspector: { zh: '检查人员', en: 'Inspector' },
};

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
