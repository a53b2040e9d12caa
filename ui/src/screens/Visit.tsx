import { App as AntApp, Alert, Button, Card, Descriptions, Flex, Input, Radio, Select, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { HazardLevel } from '../bindings/HazardLevel';
import type { HazardCategory } from '../bindings/HazardCategory';
import type { HazardView } from '../bindings/HazardView';
import type { Item } from '../bindings/Item';
import type { ItemAnswer } from '../bindings/ItemAnswer';
import type { ItemResult } from '../bindings/ItemResult';
import type { NewHazard } from '../bindings/NewHazard';
import type { PlannedStaff } from '../bindings/PlannedStaff';
import type { VisitDetail } from '../bindings/VisitDetail';
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
  CERTIFICATE_LABELS,
  HAZARD_CATEGORY_LABELS,
  HAZARD_EVENT_LABELS,
  HAZARD_LEVEL_LABELS,
  ITEM_RESULT_LABELS,
  VISIT_KIND_LABELS,
  keysOf,
  useI18n,
} from '../i18n';

/**
 * One visit on site. Every answer, note and hazard field is saved the moment it changes, so the
 * visit resumes exactly where it was after the window is closed or the laptop dies. Once ended,
 * the record is read-only; only after-photos and the hazards' later events are still added.
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
  const [manual, setManual] = useState<NewHazard | null>(null);
  const answers = new Map(visit.answers.map((a) => [a.code, a]));
  const items = visit.template.sections.flatMap((sec) => sec.items);
  const answered = items.filter((i) => answers.get(i.code)?.result).length;
  const save = (field: Parameters<typeof api.saveVisitField>[1]) => api.saveVisitField(s.id, field);

  const end = async () => {
    setEndError(null);
    try {
      await api.endVisit(s.id);
      message.success(t('visitEnded'));
      reload();
    } catch (e) {
      setEndError(toCommandError(e));
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
                    {p.certificates.map((c) => `${l(CERTIFICATE_LABELS[c.kind])}${c.specialty ? `（${c.specialty}）` : ''} ${c.number}${c.expired ? ' ' + t('certExpired') : ''}`).join('；') || t('none')}
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

        {/* Once ended, signing the forms is what is left to do on site: first thing on screen. */}
        {!open && s.kind === 'agency_inspection' && <LetterDraftCard visit={s} />}
        {!open && <VisitDocuments visit={s} />}

        {visit.open_hazards.length > 0 && (
          <Card size="small" title={t('openHazards')} data-testid="open-hazards">
            <Flex vertical gap={12}>
              {visit.open_hazards.map((h) => (
                <Reinspect key={h.id} visitId={s.id} hazard={h} editable={open} reload={reload} />
              ))}
            </Flex>
          </Card>
        )}

        <Card size="small" title={t('checklist')}>
          <Flex vertical gap={12}>
            {visit.template.sections.map((sec) => (
              <div key={sec.title}>
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {sec.title}
                </Typography.Title>
                <Flex vertical gap={10}>
                  {sec.items.map((item) => (
                    <ItemRow
                      key={item.code}
                      visitId={s.id}
                      item={item}
                      answer={answers.get(item.code)}
                      hasHazard={visit.hazards.some((h) => h.item_code === item.code)}
                      editable={open}
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
                    deadline: new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10),
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
              <HazardCard key={h.id} hazard={h} editable={open} reload={reload} />
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
                {planStaff(visit, l).map((p) => (
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
                      staff: planStaff(visit, (pair) => pair.zh),
                    },
                  })
                }
              />
            </div>
          )}
        </Card>

        {open && (
          <Flex vertical gap={8}>
            {endError && <ErrorAlert error={endError} />}
            <Button type="primary" onClick={end} data-testid="end-visit" style={{ alignSelf: 'flex-start' }}>
              {t('endVisit')}
            </Button>
          </Flex>
        )}
      </Flex>
    </>
  );
}

/**
 * The service plan's staff (R6) as drawn from the people sent: each one's first valid
 * certificate gives the specialty and grade. `label` picks the grade's language: the screen's
 * for showing, Chinese for the saved plan.
 */
function planStaff(visit: VisitDetail, label: (pair: { zh: string; en: string }) => string): PlannedStaff[] {
  return visit.people.map((p) => {
    const c = p.certificates.find((x) => !x.expired) ?? p.certificates[0];
    return { name: p.name, specialty: c?.specialty ?? '安全管理', grade: c ? label(CERTIFICATE_LABELS[c.kind]) : '' };
  });
}

function ItemRow({
  visitId,
  item,
  answer,
  hasHazard,
  editable,
  reload,
}: {
  visitId: string;
  item: Item;
  answer: ItemAnswer | undefined;
  hasHazard: boolean;
  editable: boolean;
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
      reload();
    } catch (e) {
      resultRef.current = previous;
      setResult(previous);
      setError(toCommandError(e));
    }
  };

  return (
    <div data-testid="item" data-code={item.code} data-result={result ?? ''} style={{ borderBottom: '1px solid #f0f0f0', paddingBottom: 8 }}>
      <Flex gap={12} align="flex-start" wrap>
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
        <Radio.Group
          value={result}
          disabled={!editable}
          optionType="button"
          buttonStyle="solid"
          size="small"
          onChange={(e) => void choose(e.target.value as ItemResult)}
          data-testid={`item-result-${item.code}`}
          options={keysOf(ITEM_RESULT_LABELS).map((k) => ({
            value: k,
            label: <span data-testid={`result-${k}`}>{l(ITEM_RESULT_LABELS[k])}</span>,
          }))}
        />
      </Flex>
      <Flex gap={12} wrap style={{ marginTop: 6 }}>
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
      {result === 'fail' && !hasHazard && editable && !proposal && (
        // After a restart the proposal is asked for again rather than kept in the page.
        <Button size="small" style={{ marginTop: 6 }} onClick={() => void choose('fail')} data-testid="propose-hazard">
          {t('registerHazard')}
        </Button>
      )}
      {proposal && !hasHazard && editable && (
        <div style={{ marginTop: 8 }}>
          <HazardDraft
            visitId={visitId}
            draft={proposal}
            onDone={() => {
              setProposal(null);
              reload();
            }}
          />
        </div>
      )}
    </div>
  );
}

/** A hazard not yet recorded: the proposal of a failed item, or one added by hand. */
function HazardDraft({ visitId, draft, onDone }: { visitId: string; draft: NewHazard; onDone: () => void }) {
  const { t, l } = useI18n();
  const [form, setForm] = useState<NewHazard>(draft);
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
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
  return (
    <Card size="small" type="inner" title={draft.item_code ? t('proposedHazard') : t('addHazard')} data-testid="hazard-draft">
      <Flex vertical gap={8}>
        <Flex gap={8} wrap>
          <Select<HazardLevel>
            value={form.level}
            onChange={(v) => set('level', v)}
            style={{ width: 120 }}
            data-testid="draft-level"
            options={keysOf(HAZARD_LEVEL_LABELS).map((k) => ({ value: k, label: l(HAZARD_LEVEL_LABELS[k]) }))}
          />
          <Select<HazardCategory>
            value={form.category}
            onChange={(v) => set('category', v)}
            style={{ width: 140 }}
            options={keysOf(HAZARD_CATEGORY_LABELS).map((k) => ({ value: k, label: l(HAZARD_CATEGORY_LABELS[k]) }))}
          />
          <Input style={{ width: 180 }} value={form.location} placeholder={t('hazardLocation')} onChange={(e) => set('location', e.target.value)} data-testid="draft-location" />
          <Input style={{ width: 150 }} value={form.deadline} placeholder={t('hazardDeadline')} onChange={(e) => set('deadline', e.target.value)} data-testid="draft-deadline" />
          <Input style={{ width: 150 }} value={form.responsible} placeholder={t('hazardResponsible')} onChange={(e) => set('responsible', e.target.value)} />
        </Flex>
        <Input.TextArea
          autoSize
          value={form.description}
          placeholder={t('hazardDescription')}
          onChange={(e) => set('description', e.target.value)}
          status={error?.field === 'description' ? 'error' : undefined}
          data-testid="draft-description"
        />
        <Input.TextArea autoSize value={form.measure} placeholder={t('hazardMeasure')} onChange={(e) => set('measure', e.target.value)} />
        {form.basis && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('basis')}：{form.basis}
          </Typography.Text>
        )}
        {error && <ErrorAlert error={error} />}
        <Button type="primary" size="small" loading={saving} onClick={record} style={{ alignSelf: 'flex-start' }} data-testid="record-hazard">
          {t('registerHazard')}
        </Button>
      </Flex>
    </Card>
  );
}

/** A recorded hazard: its fields are saved as typed while the visit is open. */
export function HazardCard({ hazard: h, editable, reload }: { hazard: HazardView; editable: boolean; reload: () => void }) {
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
            <div style={{ width: 150 }}>
              <SavedInput initial={h.deadline} label={t('hazardDeadline')} save={(v) => field({ field: 'deadline', value: v })} />
            </div>
            <div style={{ width: 150 }}>
              <SavedInput initial={h.responsible} label={t('hazardResponsible')} save={(v) => field({ field: 'responsible', value: v })} />
            </div>
          </Flex>
        )}
        {editable ? (
          <>
            <SavedInput multiline initial={h.description} label={t('hazardDescription')} save={(v) => field({ field: 'description', value: v })} />
            <SavedInput multiline initial={h.measure} label={t('hazardMeasure')} save={(v) => field({ field: 'measure', value: v })} />
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
          {h.events.map((e) => `${e.at.slice(0, 16).replace('T', ' ')} ${l(HAZARD_EVENT_LABELS[e.kind])}${e.note ? `（${e.note}）` : ''}`).join(' → ')}
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
