import { App as AntApp, Alert, Button, Card, Descriptions, Flex, Input, Radio, Select, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, toCommandError } from '../api';
import { todayIso } from '../format';
import type { CommandError } from '../bindings/CommandError';
import type { GapAt } from '../bindings/GapAt';
import type { VisitGap } from '../bindings/VisitGap';
import type { HazardLevel } from '../bindings/HazardLevel';
import type { HazardCategory } from '../bindings/HazardCategory';
import type { HazardView } from '../bindings/HazardView';
import type { Item } from '../bindings/Item';
import type { ItemAnswer } from '../bindings/ItemAnswer';
import type { ItemResult } from '../bindings/ItemResult';
import type { NewHazard } from '../bindings/NewHazard';
import type { VisitDetail } from '../bindings/VisitDetail';
import { DeadlinePicker } from '../components/DeadlinePicker';
import { ErrorAlert } from '../components/ErrorAlert';
import { LevelTag, StateTags } from '../components/HazardTable';
import { Loaded } from '../components/Loaded';
import { PhotoStrip } from '../components/Photos';
import { SavedInput } from '../components/SavedInput';
import { LetterDraftCard } from '../components/LetterDraftCard';
import { VisitDocuments } from '../components/VisitDocuments';
import { ScreenHeader } from '../components/ScreenHeader';
import { useLoad } from '../hooks';
import {
  CERTIFICATE_KIND_LABELS,
  HAZARD_CATEGORY_LABELS,
  HAZARD_EVENT_KIND_LABELS,
  HAZARD_LEVEL_LABELS,
  ITEM_RESULT_LABELS,
  VISIT_KIND_LABELS,
  keysOf,
  useI18n,
} from '../i18n';

/**
 * One visit on site. Every answer, note and hazard field is saved the moment it changes, so the
 * visit resumes exactly where it was after the window is closed or the laptop dies. Once ended,
 * the record is read-only; only after-photos, the hazards' later events and — until the list is
 * signed — a measure the list still lacks are added.
 */
export function Visit({ id }: { id: string }) {
  const load = useLoad(id, () => api.visitDetail(id));
  return (
    <Loaded testId="visit" id={id} load={load}>
      {(v) => <VisitBody visit={v} reload={load.reload} />}
    </Loaded>
  );
}

function VisitBody({ visit, reload }: { visit: VisitDetail; reload: () => void }) {
  const { t, l } = useI18n();
  const { message } = AntApp.useApp();
  const s = visit.summary;
  const open = s.ended_at === null;
  const [endError, setEndError] = useState<CommandError | null>(null);
  // Each refused 结束检查 shows the list anew and goes to its first line.
  const [endAttempt, setEndAttempt] = useState(0);
  const [justEnded, setJustEnded] = useState(false);
  const [manual, setManual] = useState<NewHazard | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const answerers = useRef(new Map<string, (r: ItemResult) => void>());
  const answers = new Map(visit.answers.map((a) => [a.code, a]));
  // R8 (先重大后一般): within each section the items that would propose a major hazard come
  // first, in the template's order, then the rest; the keys walk the list as shown.
  const sections = visit.template.sections.map((sec) => ({
    ...sec,
    items: [...sec.items.filter((i) => i.level === 'major'), ...sec.items.filter((i) => i.level !== 'major')],
  }));
  const items = sections.flatMap((sec) => sec.items);
  const codes = items.map((i) => i.code);
  const answered = items.filter((i) => answers.get(i.code)?.result).length;
  const save = (field: Parameters<typeof api.saveVisitField>[1]) => api.saveVisitField(s.id, field);

  /** Makes `code` the item the keys answer; `scroll` brings it into view. */
  const focusItem = (code: string | undefined, scroll = true) => {
    if (!code) return;
    setCurrent(code);
    if (!scroll) return;
    const row = document.querySelector<HTMLElement>(`[data-testid=item][data-code='${code}']`);
    row?.focus({ preventScroll: true });
    reveal(row);
  };

  // 1 符合, 2 不符合, 3 不适用 answer the current item (the first unanswered one to begin with)
  // and move to the next; ↑ ↓ move. Keys typed into a field or a dialog are theirs.
  const keys = useRef<(e: globalThis.KeyboardEvent) => void>(() => {});
  keys.current = (e) => {
    if (!open || e.ctrlKey || e.altKey || e.metaKey) return;
    if ((e.target as HTMLElement).closest?.('input, textarea, .ant-select, .ant-picker, .ant-modal')) return;
    const code = current ?? codes.find((c) => !answers.get(c)?.result) ?? codes[0];
    const at = codes.indexOf(code);
    const result = ({ '1': 'pass', '2': 'fail', '3': 'not_applicable' } as const)[e.key as '1' | '2' | '3'];
    if (result) {
      e.preventDefault();
      answerers.current.get(code)?.(result);
      // The keys go on with the next item; after a failure the view stays on the hazard it
      // proposes, the next thing to do, until that is recorded.
      focusItem(codes[at + 1] ?? code, result !== 'fail');
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusItem(codes[Math.max(0, Math.min(codes.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))]);
    }
  };
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const end = async () => {
    setEndError(null);
    try {
      await api.endVisit(s.id);
      message.success(t('visitEnded'));
      setEndAttempt(0);
      setJustEnded(true);
      reload();
    } catch (e) {
      const err = toCommandError(e);
      if (err.code === 'visit_incomplete') {
        // The list of what is missing comes with the reloaded visit, each item a way to it.
        setEndAttempt((n) => n + 1);
        reload();
      } else {
        setEndError(err);
      }
    }
  };

  return (
    <>
      <ScreenHeader
        title={t('visitTitle', { kind: l(VISIT_KIND_LABELS[s.kind]), target: s.target_name })}
        testId="visit-title"
        extra={
          <>
            <Tag color={open ? 'processing' : 'default'} data-testid="visit-state" data-open={open ? 'yes' : 'no'}>
              {open ? t('inProgress') : t('ended')}
            </Tag>
            <Typography.Text type="secondary">{t('answered', { n: answered, total: items.length })}</Typography.Text>
          </>
        }
      />
      <Flex vertical gap={16}>
        <Card size="small">
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'template', label: t('fieldTemplate'), children: `${visit.template.title}（v${visit.template.version}）` },
              { key: 'started', label: t('startedAt'), children: s.started_at.slice(0, 16).replace('T', ' ') },
              {
                key: 'people',
                label: t('fieldPeople'),
                span: 'filled',
                children: (
                  <Flex vertical>
                    {visit.people.map((p) => (
                  <div key={p.id}>
                    {p.name}：
                    {p.certificates.map((c) => `${l(CERTIFICATE_KIND_LABELS[c.kind])}${c.specialty ? `（${c.specialty}）` : ''} ${c.number}${c.expired ? ' ' + t('certExpired') : ''}`).join('；') || t('none')}
                  </div>
                    ))}
                  </Flex>
                ),
              },
              {
                key: 'place',
                label: t('fieldPlace'),
                span: 'filled',
                children: (
                  <SavedInput
                    initial={visit.place.description}
                    disabled={!open}
                    testId="visit-place"
                    save={(v) => save({ field: 'place', value: { ...visit.place, description: v } })}
                  />
                ),
              },
            ]}
          />
          {visit.mismatches.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 8 }}
              title={t('mismatchTitle')}
              description={`${visit.mismatches.map((x) => x.message.zh).join('；')}。${t('mismatchReason')}：${visit.mismatch_reason ?? ''}`}
            />
          )}
        </Card>

        {/* Once ended, signing the forms is what is left to do on site: first thing on screen,
            with anything the list still lacks above it. */}
        {!open && visit.gaps.length > 0 && <Gaps gaps={visit.gaps} title={t('gapsBeforeSigning')} />}
        {!open && s.kind === 'agency_inspection' && <LetterDraftCard visit={s} />}
        {!open && <VisitDocuments visit={s} signNow={justEnded} />}

        {visit.open_hazards.length > 0 && (
          <Card size="small" title={t('openHazards')} data-testid="open-hazards">
            <Flex vertical gap={12}>
              {visit.open_hazards.map((h) => (
                <Reinspect key={h.id} visitId={s.id} hazard={h} editable={open} reload={reload} />
              ))}
            </Flex>
          </Card>
        )}

        <Card
          size="small"
          title={t('checklist')}
          extra={open && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('checklistKeys')}</Typography.Text>}
          data-testid="checklist"
        >
          <Flex vertical gap={8}>
            {sections.map((sec) => (
              <div key={sec.title}>
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {sec.title}
                </Typography.Title>
                <Flex vertical gap={4}>
                  {sec.items.map((item) => (
                    <ItemRow
                      key={item.code}
                      visitId={s.id}
                      item={item}
                      answer={answers.get(item.code)}
                      hazard={visit.hazards.find((h) => h.item_code === item.code)}
                      editable={open}
                      current={open && (current ?? codes.find((c) => !answers.get(c)?.result)) === item.code}
                      onFocus={() => setCurrent(item.code)}
                      onAnswered={(failed) => focusItem(codes[codes.indexOf(item.code) + 1] ?? item.code, !failed)}
                      onRecorded={() => focusItem(codes[codes.indexOf(item.code) + 1] ?? item.code)}
                      answerWith={(f) => answerers.current.set(item.code, f)}
                      reload={reload}
                    />
                  ))}
                </Flex>
              </div>
            ))}
          </Flex>
        </Card>

        <Card
          size="small"
          title={t('hazardsOfVisit')}
          data-testid="visit-hazards"
          extra={
            open && (
              <Button
                size="small"
                data-testid="add-hazard"
                onClick={() =>
                  setManual({
                    item_code: null,
                    description: '',
                    location: '',
                    category: 'other',
                    level: 'general',
                    basis: '',
                    measure: '',
                    deadline: todayIso(15),
                    responsible: '',
                  })
                }
              >
                {t('addHazard')}
              </Button>
            )
          }
        >
          <Flex vertical gap={12}>
            {manual && (
              <HazardDraft
                visitId={s.id}
                draft={manual}
                onDone={() => {
                  setManual(null);
                  reload();
                }}
              />
            )}
            {visit.hazards.length === 0 && !manual && <Typography.Text type="secondary">{t('noHazards')}</Typography.Text>}
            {visit.hazards.map((h) => (
              <HazardCard
                key={h.id}
                hazard={h}
                editable={open}
                lacking={visit.gaps.some((g) => g.at.to === 'hazard' && g.at.id === h.id)}
                reload={reload}
              />
            ))}
          </Flex>
        </Card>

        <Card size="small" title={t('assessment')}>
          <SavedInput
            multiline
            initial={visit.assessment}
            disabled={!open}
            testId="visit-assessment"
            save={(v) => save({ field: 'assessment', value: v })}
          />
          {s.kind === 'first_service' && (
            <div style={{ marginTop: 12 }}>
              <Typography.Text strong>{t('servicePlan')}</Typography.Text>
              <ul style={{ margin: '4px 0', paddingInlineStart: 18 }}>
                {visit.plan_staff.map((p) => (
                  <li key={p.name}>
                    {p.name} · {t('specialty')}：{p.specialty} · {t('grade')}：{p.grade || t('none')}
                  </li>
                ))}
              </ul>
              <SavedInput
                multiline
                initial={visit.plan?.schedule ?? ''}
                disabled={!open}
                placeholder={t('schedule')}
                testId="visit-plan"
                save={(schedule) =>
                  save({
                    field: 'plan',
                    value: {
                      schedule,
                      staff: visit.plan_staff,
                    },
                  })
                }
              />
            </div>
          )}
        </Card>

        {open && (
          // Always in reach at the bottom of the window: progress and 结束检查, with anything
          // still missing listed right above it.
          <Flex
            vertical
            gap={8}
            data-testid="visit-bar"
            // −16: flush with the window's edge, over the content area's padding.
            style={{ position: 'sticky', bottom: -16, zIndex: 5, background: '#fff', padding: '8px 0 12px', borderTop: '1px solid #f0f0f0' }}
          >
            {endAttempt > 0 && visit.gaps.length > 0 && <Gaps key={endAttempt} gaps={visit.gaps} title={t('gapsBeforeEnd')} goFirst />}
            {endError && <ErrorAlert error={endError} />}
            <Flex gap={12} align="center">
              <Button type="primary" size="large" onClick={end} data-testid="end-visit">
                {t('endVisit')}
              </Button>
              <Typography.Text type="secondary">{t('answered', { n: answered, total: items.length })}</Typography.Text>
            </Flex>
          </Flex>
        )}
      </Flex>
    </>
  );
}

/**
 * Scrolls `el` into view, clear of the visit's sticky bar at the bottom of the window (the
 * scrolling area knows nothing of it).
 */
function reveal(el: HTMLElement | null) {
  if (!el) return;
  el.scrollIntoView({ block: 'nearest' });
  const bar = document.querySelector<HTMLElement>('[data-testid=visit-bar]');
  if (!bar) return;
  const hidden = el.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
  if (hidden > 0) el.closest('.ant-layout-content')?.scrollBy(0, hidden + 8);
}

/** Scrolls to where a gap is and puts the cursor in the field to fill (a hazard's measure). */
function goTo(at: GapAt) {
  const css = at.to === 'item' ? `[data-testid=item][data-code='${at.code}']` : `[data-testid=hazard-card][data-id='${at.id}']`;
  const el = document.querySelector<HTMLElement>(css);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  (el.querySelector<HTMLElement>('[data-gap-focus] textarea, [data-gap-focus] input') ?? el).focus({ preventScroll: true });
}

/**
 * What the visit still lacks before it can end or its list be signed, each a link to where it
 * is. `goFirst` takes the user to the first one as the list appears.
 */
function Gaps({ gaps, title, goFirst }: { gaps: VisitGap[]; title: string; goFirst?: boolean }) {
  const { m } = useI18n();
  const first = gaps[0]?.at;
  useEffect(() => {
    if (goFirst && first) goTo(first);
    // Once, as the list appears: after that the user moves at will.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- deliberately only on mount
  }, []);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="visit-gaps"
      data-count={gaps.length}
      title={title}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {gaps.map((g, i) => (
            <li key={i}>
              <Typography.Link onClick={() => goTo(g.at)} data-testid="visit-gap">
                {m(g.message)}
              </Typography.Link>
            </li>
          ))}
        </ul>
      }
    />
  );
}

function ItemRow({
  visitId,
  item,
  answer,
  hazard,
  editable,
  current,
  onFocus,
  onAnswered,
  onRecorded,
  answerWith,
  reload,
}: {
  visitId: string;
  item: Item;
  answer: ItemAnswer | undefined;
  /** The hazard recorded from this item, if any: its photos are added right here. */
  hazard: HazardView | undefined;
  editable: boolean;
  /** The item the answer keys act on. */
  current: boolean;
  /** The row itself was focused (a click on it, not on a field or button inside). */
  onFocus: () => void;
  /** An answer was saved: the keys move on to the next item. */
  onAnswered: (failed: boolean) => void;
  /** The hazard this item proposed was recorded: on to the next item. */
  onRecorded: () => void;
  /** Hands the parent this item's way to be answered from the keyboard. */
  answerWith: (answer: (r: ItemResult) => void) => void;
  reload: () => void;
}) {
  const { t, l, m } = useI18n();
  const [result, setResult] = useState<ItemResult | null>(answer?.result ?? null);
  const resultRef = useRef(result);
  const note = useRef(answer?.note ?? '');
  const [proposal, setProposal] = useState<NewHazard | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  const saveAnswer = async () => {
    const p = await api.saveVisitField(visitId, {
      field: 'answer',
      value: { code: item.code, result: resultRef.current, note: note.current },
    });
    return p;
  };

  const choose = async (r: ItemResult) => {
    const previous = resultRef.current;
    resultRef.current = r;
    setResult(r);
    setError(null);
    try {
      const p = await saveAnswer();
      setProposal(p);
      onAnswered(r === 'fail');
      reload();
    } catch (e) {
      resultRef.current = previous;
      setResult(previous);
      setError(toCommandError(e));
    }
  };
  answerWith((r) => void choose(r));

  return (
    <div
      data-testid="item"
      data-code={item.code}
      data-result={result ?? ''}
      data-current={current ? 'yes' : 'no'}
      tabIndex={-1}
      onFocus={(e) => e.target === e.currentTarget && onFocus()}
      onClick={(e) => e.target === e.currentTarget && onFocus()}
      style={{
        borderBottom: '1px solid #f0f0f0',
        borderInlineStart: `3px solid ${current && editable ? '#1677ff' : 'transparent'}`,
        padding: '4px 0 6px 8px',
        outline: 'none',
      }}
    >
      <Flex gap={12} align="center" wrap>
        <div style={{ flex: '1 1 360px' }}>
          <Typography.Text>
            <Typography.Text type="secondary">{item.code}</Typography.Text> {item.text}
            {item.level === 'major' && <Tag color="red" style={{ marginInlineStart: 6 }}>{l(HAZARD_LEVEL_LABELS.major)}</Tag>}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('basis')}：{item.basis}
            </Typography.Text>
          </div>
        </div>
        {/* 40 px tall: a finger on a touch laptop hits them. */}
        <Radio.Group
          value={result}
          disabled={!editable}
          optionType="button"
          buttonStyle="solid"
          size="large"
          onChange={(e) => void choose(e.target.value as ItemResult)}
          data-testid={`item-result-${item.code}`}
          options={keysOf(ITEM_RESULT_LABELS).map((k) => ({
            value: k,
            label: <span data-testid={`result-${k}`}>{l(ITEM_RESULT_LABELS[k])}</span>,
          }))}
        />
      </Flex>
      <Flex gap={12} wrap align="center" style={{ marginTop: 4 }}>
        <div style={{ flex: '1 1 260px' }}>
          <SavedInput
            initial={answer?.note ?? ''}
            disabled={!editable}
            placeholder={t('notePlaceholder')}
            testId={`item-note-${item.code}`}
            save={(v) => {
              note.current = v;
              return saveAnswer();
            }}
          />
        </div>
        <PhotoStrip photos={answer?.photos ?? []} target={{ to: 'item', visit_id: visitId, code: item.code }} editable={editable} onAdded={reload} testId={`item-photos-${item.code}`} />
      </Flex>
      {error && <Typography.Text type="danger">{m(error.message)}</Typography.Text>}
      {result === 'fail' && !hazard && editable && !proposal && (
        // After a restart the proposal is asked for again rather than kept in the page.
        <Button size="small" style={{ marginTop: 6 }} onClick={() => void choose('fail')} data-testid="propose-hazard">
          {t('registerHazard')}
        </Button>
      )}
      {hazard && editable && (
        <Flex gap={8} align="center" wrap style={{ marginTop: 6 }} data-testid="item-hazard" data-id={hazard.id}>
          <LevelTag level={hazard.level} />
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 420 }}>
            {t('hazardRecorded')}：{hazard.description}
          </Typography.Text>
          <PhotoStrip
            photos={hazard.photos_before}
            target={{ to: 'hazard', hazard_id: hazard.id, after: false }}
            editable
            onAdded={reload}
            testId={`item-hazard-photos-${item.code}`}
          />
        </Flex>
      )}
      {proposal && !hazard && editable && (
        <div style={{ marginTop: 8 }}>
          <HazardDraft
            visitId={visitId}
            draft={proposal}
            onDone={() => {
              setProposal(null);
              onRecorded();
              reload();
            }}
          />
        </div>
      )}
    </div>
  );
}

/** A field's caption, with a red mark on what a signed list needs. */
function Caption({ text, required }: { text: string; required?: boolean }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
      {required && <span style={{ color: '#ff4d4f', marginInlineEnd: 2 }}>*</span>}
      {text}
    </Typography.Text>
  );
}

/**
 * A hazard not yet recorded: the proposal of a failed item, or one added by hand. What its
 * signed list will need (a measure, a deadline) is asked for here, where the hazard is in view.
 */
function HazardDraft({ visitId, draft, onDone }: { visitId: string; draft: NewHazard; onDone: () => void }) {
  const { t, l } = useI18n();
  const [form, setForm] = useState<NewHazard>(draft);
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const card = useRef<HTMLDivElement>(null);
  // It opens under its item: brought into view whole, 登记隐患 included.
  useEffect(() => reveal(card.current), []);
  const set = <K extends keyof NewHazard>(k: K, v: NewHazard[K]) => setForm((f) => ({ ...f, [k]: v }));
  const record = async () => {
    setSaving(true);
    try {
      await api.addHazard(visitId, form);
      onDone();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };
  const bad = (field: string) => (error?.field === field ? ('error' as const) : undefined);
  return (
    <Card ref={card} size="small" type="inner" title={draft.item_code ? t('proposedHazard') : t('addHazard')} data-testid="hazard-draft">
      <Flex vertical gap={8}>
        <Flex gap={8} wrap align="flex-end">
          <div>
            <Caption text={t('hazardLevel')} />
            <Select<HazardLevel>
              value={form.level}
              onChange={(v) => set('level', v)}
              style={{ width: 120 }}
              data-testid="draft-level"
              options={keysOf(HAZARD_LEVEL_LABELS).map((k) => ({ value: k, label: l(HAZARD_LEVEL_LABELS[k]) }))}
            />
          </div>
          <div>
            <Caption text={t('hazardCategory')} />
            <Select<HazardCategory>
              value={form.category}
              onChange={(v) => set('category', v)}
              style={{ width: 140 }}
              options={keysOf(HAZARD_CATEGORY_LABELS).map((k) => ({ value: k, label: l(HAZARD_CATEGORY_LABELS[k]) }))}
            />
          </div>
          <div>
            <Caption text={t('hazardLocation')} />
            <Input style={{ width: 180 }} value={form.location} onChange={(e) => set('location', e.target.value)} data-testid="draft-location" />
          </div>
          <div>
            <Caption text={t('hazardDeadline')} required />
            <DeadlinePicker value={form.deadline} onChange={(v) => set('deadline', v)} status={bad('deadline')} testId="draft-deadline" />
          </div>
          <div>
            <Caption text={t('hazardResponsible')} />
            <Input style={{ width: 150 }} value={form.responsible} onChange={(e) => set('responsible', e.target.value)} data-testid="draft-responsible" />
          </div>
        </Flex>
        <div>
          <Caption text={t('hazardDescription')} required />
          <Input.TextArea
            autoSize
            value={form.description}
            onChange={(e) => set('description', e.target.value)}
            status={bad('description')}
            data-testid="draft-description"
          />
        </div>
        <div>
          <Caption text={t('hazardMeasure')} required />
          <Input.TextArea
            autoSize
            value={form.measure}
            placeholder={t('hazardMeasurePlaceholder')}
            onChange={(e) => set('measure', e.target.value)}
            status={bad('measure') ?? (form.measure.trim() === '' ? 'warning' : undefined)}
            data-testid="draft-measure"
          />
        </div>
        {form.basis && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('basis')}：{form.basis}
          </Typography.Text>
        )}
        {error && <ErrorAlert error={error} />}
        <Button type="primary" loading={saving} onClick={record} style={{ alignSelf: 'flex-start' }} data-testid="record-hazard">
          {t('registerHazard')}
        </Button>
      </Flex>
    </Card>
  );
}

/**
 * A measure an ended visit's hazard still lacks, filled in before the list is signed: kept as
 * a `supplemented` event on the hazard, so the record shows what was added and when.
 */
function Supplement({ hazardId, reload }: { hazardId: string; reload: () => void }) {
  const { t, m } = useI18n();
  const [value, setValue] = useState('');
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await api.supplementHazard(hazardId, { field: 'measure', value });
      reload();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <div data-gap-focus>
      <Caption text={t('supplementMeasure')} required />
      <Flex gap={8} align="flex-start">
        <Input.TextArea autoSize value={value} onChange={(e) => setValue(e.target.value)} status={error ? 'error' : undefined} data-testid="supplement-measure" />
        <Button type="primary" loading={saving} disabled={value.trim() === ''} onClick={() => void save()} data-testid="supplement-save">
          {t('save')}
        </Button>
      </Flex>
      {error && <Typography.Text type="danger">{m(error.message)}</Typography.Text>}
    </div>
  );
}

/** A recorded hazard: its fields are saved as typed while the visit is open. */
export function HazardCard({
  hazard: h,
  editable,
  lacking,
  reload,
}: {
  hazard: HazardView;
  editable: boolean;
  /** An ended visit's hazard that lacks what its list needs (a measure): offer to complete it. */
  lacking?: boolean;
  reload: () => void;
}) {
  const { t, l, m } = useI18n();
  const { message } = AntApp.useApp();
  const field = (f: Parameters<typeof api.saveHazardField>[1]) => api.saveHazardField(h.id, f);
  const event = (kind: 'reported_to_government' | 'escalated' | 'rectification_reported') =>
    api.addHazardEvent(h.id, kind, '').then(reload, (e: unknown) => message.error(m(toCommandError(e).message)));
  return (
    <Card
      size="small"
      type="inner"
      data-testid="hazard-card"
      data-level={h.level}
      data-id={h.id}
      title={
        <Flex gap={6} align="center" wrap>
          <LevelTag level={h.level} />
          <Typography.Text>{h.description}</Typography.Text>
        </Flex>
      }
      extra={<StateTags hazard={h} />}
    >
      <Flex vertical gap={8}>
        {editable && (
          <Flex gap={8} wrap>
            <Select<HazardLevel>
              defaultValue={h.level}
              style={{ width: 120 }}
              onChange={(v) => void field({ field: 'level', value: v }).then(reload)}
              options={keysOf(HAZARD_LEVEL_LABELS).map((k) => ({ value: k, label: l(HAZARD_LEVEL_LABELS[k]) }))}
            />
            <div style={{ width: 180 }}>
              <SavedInput initial={h.location} label={t('hazardLocation')} save={(v) => field({ field: 'location', value: v })} />
            </div>
            <div>
              <Caption text={t('hazardDeadline')} required />
              <DeadlinePicker
                value={h.deadline}
                onChange={(v) => void field({ field: 'deadline', value: v }).then(reload, (e: unknown) => message.error(m(toCommandError(e).message)))}
              />
            </div>
            <div style={{ width: 150 }}>
              <SavedInput initial={h.responsible} label={t('hazardResponsible')} save={(v) => field({ field: 'responsible', value: v })} />
            </div>
          </Flex>
        )}
        {editable ? (
          <>
            <SavedInput multiline initial={h.description} label={t('hazardDescription')} save={(v) => field({ field: 'description', value: v })} />
            <div data-gap-focus>
              <SavedInput multiline initial={h.measure} label={`* ${t('hazardMeasure')}`} save={(v) => field({ field: 'measure', value: v })} />
            </div>
          </>
        ) : (
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'location', label: t('hazardLocation'), children: h.location || t('none') },
              { key: 'category', label: t('hazardCategory'), children: l(HAZARD_CATEGORY_LABELS[h.category]) },
              { key: 'deadline', label: t('hazardDeadline'), children: h.deadline },
              { key: 'responsible', label: t('hazardResponsible'), children: h.responsible || t('none') },
              { key: 'measure', label: t('hazardMeasure'), children: h.measure || t('none'), span: 'filled' },
            ]}
          />
        )}
        {!editable && lacking && h.measure.trim() === '' && <Supplement hazardId={h.id} reload={reload} />}
        {h.basis && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('basis')}：{h.basis}
          </Typography.Text>
        )}
        <Flex gap={8} align="center" wrap>
          <Typography.Text type="secondary">{t('photosBefore')}</Typography.Text>
          <PhotoStrip photos={h.photos_before} target={{ to: 'hazard', hazard_id: h.id, after: false }} editable={editable} onAdded={reload} testId="hazard-photos-before" />
        </Flex>
        {(h.photos_after.length > 0 || h.state.status !== 'closed') && !editable && (
          <Flex gap={8} align="center" wrap>
            <Typography.Text type="secondary">{t('photosAfter')}</Typography.Text>
            <PhotoStrip photos={h.photos_after} target={{ to: 'hazard', hazard_id: h.id, after: true }} editable={h.state.status !== 'closed'} onAdded={reload} />
          </Flex>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {h.events.map((e) => `${e.at.slice(0, 16).replace('T', ' ')} ${l(HAZARD_EVENT_KIND_LABELS[e.kind])}${e.note ? `（${e.note}）` : ''}`).join(' → ')}
        </Typography.Text>
        {!editable && h.state.status === 'open' && (
          <Button size="small" style={{ alignSelf: 'flex-start' }} onClick={() => void event('rectification_reported')}>
            {t('rectificationReported')}
          </Button>
        )}
        {h.level === 'major' && h.state.status !== 'closed' && (
          <Flex gap={8}>
            {!h.state.reported_to_government && (
              <Button size="small" onClick={() => void event('reported_to_government')}>
                {t('reportToGov')}
              </Button>
            )}
            {!h.state.escalated && (
              <Button size="small" onClick={() => void event('escalated')}>
                {t('escalate')}
              </Button>
            )}
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

/** An earlier hazard at a re-inspection: closed with after-photos, or kept open with a reason. */
function Reinspect({ visitId, hazard: h, editable, reload }: { visitId: string; hazard: HazardView; editable: boolean; reload: () => void }) {
  const { t, m } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<CommandError | null>(null);
  const settle = (verdict: Parameters<typeof api.reinspect>[2]) =>
    api.reinspect(visitId, h.id, verdict).then(reload, (e: unknown) => setError(toCommandError(e)));
  return (
    <Flex vertical gap={6} data-testid="reinspect-hazard" data-id={h.id}>
      <Flex gap={6} align="center" wrap>
        <LevelTag level={h.level} />
        <Typography.Text>{h.description}</Typography.Text>
        <StateTags hazard={h} />
        <Typography.Text type="secondary">
          {t('hazardDeadline')} {h.deadline}
        </Typography.Text>
      </Flex>
      <Flex gap={8} align="center" wrap>
        <Typography.Text type="secondary">{t('photosAfter')}</Typography.Text>
        <PhotoStrip photos={h.photos_after} target={{ to: 'hazard', hazard_id: h.id, after: true }} editable={editable} onAdded={reload} />
      </Flex>
      {editable && (
        <Flex gap={8} wrap>
          <Button size="small" type="primary" onClick={() => void settle({ verdict: 'close' })}>
            {t('closeHazard')}
          </Button>
          <Input size="small" style={{ width: 260 }} value={reason} placeholder={t('keepOpenReason')} onChange={(e) => setReason(e.target.value)} />
          <Button size="small" onClick={() => void settle({ verdict: 'keep_open', reason })}>
            {t('keepOpen')}
          </Button>
        </Flex>
      )}
      {error && <Typography.Text type="danger">{m(error.message)}</Typography.Text>}
    </Flex>
  );
}
