import { Empty, Flex, Tag, Timeline, Typography } from 'antd';
import type { Deduction } from '../bindings/Deduction';
import type { GradeChangeView } from '../bindings/GradeChangeView';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { DEDUCTION_KIND_LABELS } from '../i18n';
import { GradeTag } from './AgencyTags';

/** The lines behind a score: what each kind of finding took off (or added), with its evidence. */
export function DeductionList({ deductions }: { deductions: Deduction[] }) {
  const { t, m, l } = useI18n();
  if (deductions.length === 0) return <Typography.Text type="secondary">{t('grNoDeductions')}</Typography.Text>;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {deductions.map((d, i) => (
        <li key={`${d.kind}-${i}`} data-testid="grade-deduction" data-kind={d.kind} data-points={d.points}>
          <Tag color={d.points < 0 ? 'red' : d.points > 0 ? 'green' : 'default'}>
            {l(DEDUCTION_KIND_LABELS[d.kind])} {d.points > 0 ? `+${d.points}` : d.points < 0 ? `${d.points}` : ''}
          </Tag>
          {m(d.message)}
          {d.evidence.length > 0 && (
            <ul style={{ margin: '2px 0 0', paddingInlineStart: 18, color: 'rgba(0,0,0,0.55)' }}>
              {d.evidence.slice(0, 8).map((e, j) => (
                <li key={j}>{e}</li>
              ))}
              {d.evidence.length > 8 && <li>… {d.evidence.length - 8}</li>}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Every recorded grade of an agency, newest first, each with the reasons it was given. */
export function AgencyGradeHistory({ history }: { history: GradeChangeView[] }) {
  const { t } = useI18n();
  if (history.length === 0) return <Empty description={t('grHistoryEmpty')} data-testid="grade-history" data-count={0} />;
  return (
    <div data-testid="grade-history" data-count={history.length}>
      <Timeline
        items={history.map((h) => ({
          key: h.seq,
          children: (
            <div data-testid="grade-change" data-grade={h.grade}>
              <Flex gap={8} align="center" wrap>
                <Typography.Text type="secondary">{formatTime(h.changed_at)}</Typography.Text>
                {h.previous ? <GradeTag grade={h.previous} /> : <Tag>{t('grFirst')}</Tag>}
                <span>→</span>
                <GradeTag grade={h.grade} />
                <Typography.Text>{t('grScore', { score: h.score.toFixed(2) })}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {h.rules}
                </Typography.Text>
              </Flex>
              <div style={{ marginTop: 4 }}>
                <DeductionList deductions={h.reasons} />
              </div>
            </div>
          ),
        }))}
      />
    </div>
  );
}
