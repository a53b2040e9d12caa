import { CheckCircleFilled, FilePdfOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Descriptions, Flex, Input, Modal, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { DocumentContent } from '../bindings/DocumentContent';
import type { DocumentKind } from '../bindings/DocumentKind';
import type { DocumentRequest } from '../bindings/DocumentRequest';
import type { DocumentSummary } from '../bindings/DocumentSummary';
import type { Draft } from '../bindings/Draft';
import type { HandSignature } from '../bindings/HandSignature';
import type { OpenedPdf } from '../bindings/OpenedPdf';
import type { SignerRole } from '../bindings/SignerRole';
import { formatTime } from '../format';
import { DOCUMENT_KIND_LABELS, HAZARD_LEVEL_LABELS, useI18n } from '../i18n';
import { ErrorAlert } from './ErrorAlert';
import { PdfLocation } from './OpenedPdf';
import { Messages } from './Messages';
import { emptySignature, SignaturePad } from './SignaturePad';

/**
 * The draft of the form as the request now stands, asked again shortly after each change (a
 * stroke, a name: 100 ms, so 确认签字 comes alive as the pen lifts). Answers to older requests
 * are dropped; `current` says whether the one shown belongs to the request as it is now.
 */
function useDraft(request: DocumentRequest) {
  const key = JSON.stringify(request);
  const [answer, setAnswer] = useState<{ key: string; draft: Draft | null; error: CommandError | null } | null>(null);
  const seq = useRef(0);
  const asked = useRef(false);
  useEffect(() => {
    const mine = ++seq.current;
    const timer = setTimeout(
      () => {
        api.draftDocument(JSON.parse(key) as DocumentRequest).then(
          (draft) => mine === seq.current && setAnswer({ key, draft, error: null }),
          (e: unknown) => mine === seq.current && setAnswer({ key, draft: null, error: toCommandError(e) }),
        );
      },
      asked.current ? 100 : 0,
    );
    asked.current = true;
    return () => clearTimeout(timer);
  }, [key]);
  return { draft: answer?.draft ?? null, error: answer?.error ?? null, current: answer?.key === key };
}

/**
 * Signing a form of an ended visit: what will be frozen, a pad for each signer, every problem
 * still in the way (asked live), and 确认签字 once there is none. A correction (`replaces`)
 * needs its reason. After signing the verification code is shown large, to be read out or
 * written down, with the PDF one click away.
 */
export function SignDocumentModal({
  kind,
  visitId,
  signers,
  replaces,
  onClose,
  onSigned,
}: {
  kind: DocumentKind;
  visitId: string;
  /** Who signs, from `document_forms`: one role of each group, the visiting side already the
   * capacity the signed-in user signs in. */
  signers: SignerRole[][];
  replaces?: DocumentSummary | null;
  onClose: () => void;
  onSigned: (d: DocumentSummary) => void;
}) {
  const { t, l } = useI18n();
  const roles = signers.map((group) => group[0]);
  const [pads, setPads] = useState<Partial<Record<SignerRole, HandSignature>>>({});
  const [reason, setReason] = useState('');
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<CommandError | null>(null);
  const [signed, setSigned] = useState<DocumentSummary | null>(null);

  // Keyed on the roles' names, not the array made anew each render: the draft is asked for
  // again only when who signs (or what they drew) changes.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- roles is keyed by roles.join()
  const signatures = useMemo(() => roles.map((r) => pads[r] ?? emptySignature(r)), [roles.join(), pads]);
  const request: DocumentRequest = {
    kind,
    visit_id: visitId,
    enterprise_id: null,
    signatures,
    replaces: replaces?.id ?? null,
    correction_reason: reason,
  };
  const { draft, error: draftError, current } = useDraft(request);

  // The principal's name is proposed from the register; it stays editable, and one the user
  // has typed is never overwritten. The visiting side is whoever is signed in: the draft
  // carries their name and certificates as the signing will put them.
  const prefilled = useRef(false);
  useEffect(() => {
    if (!draft || prefilled.current) return;
    prefilled.current = true;
    const name = draft.content.subject.principal;
    setPads((p) => {
      const pad = p.principal ?? emptySignature('principal');
      return pad.name === '' && name ? { ...p, principal: { ...pad, name } } : p;
    });
  }, [draft]);
  const signedBy = (role: SignerRole) => draft?.content.signatures.find((s) => s.role === role);

  const problems = draft?.problems ?? [];
  const ready = draft !== null && current && problems.length === 0 && !signing;
  const form = l(DOCUMENT_KIND_LABELS[kind]);

  const sign = async () => {
    setSigning(true);
    setSignError(null);
    try {
      const d = await api.signDocument(request);
      setSigned(d);
      onSigned(d);
    } catch (e) {
      setSignError(toCommandError(e));
    } finally {
      setSigning(false);
    }
  };

  const title = replaces ? t('correctFormTitle', { form, version: replaces.version }) : t('signFormTitle', { form });

  return (
    <Modal
      open
      title={<span data-testid="sign-modal-title">{title}</span>}
      onCancel={onClose}
      width={940}
      // It fits the window (1366×768 included): the body scrolls, 确认签字 stays in view.
      style={{ top: 12, paddingBottom: 0 }}
      styles={{ body: { maxHeight: 'calc(100vh - 150px)', overflowY: 'auto', overflowX: 'hidden' } }}
      destroyOnHidden
      // A stray tap beside the pad must not throw a half-drawn signature away.
      mask={{ closable: false }}
      keyboard={false}
      footer={
        signed ? null : (
          <Flex justify="flex-end" gap={8}>
            <Button onClick={onClose}>{t('cancel')}</Button>
            <Button type="primary" disabled={!ready} loading={signing} onClick={() => void sign()} data-testid="confirm-sign">
              {t('confirmSign')}
            </Button>
          </Flex>
        )
      }
    >
      <div data-testid="sign-modal" data-state={signed ? 'signed' : 'drafting'}>
        {signed ? (
          <SignedResult document={signed} onClose={onClose} />
        ) : (
          <Flex vertical gap={12}>
            {draft ? <FrozenSummary content={draft.content} /> : <Spin style={{ display: 'block', margin: 24 }} />}
            {replaces && (
              <div>
                <Typography.Text strong>{t('correctionReason')}</Typography.Text>
                <Input.TextArea
                  autoSize={{ minRows: 1, maxRows: 3 }}
                  value={reason}
                  status={reason.trim() === '' ? 'error' : undefined}
                  placeholder={t('correctionReasonPlaceholder')}
                  onChange={(e) => setReason(e.target.value)}
                  data-testid="correction-reason"
                  style={{ marginTop: 4 }}
                />
              </div>
            )}
            <Flex gap={16} wrap>
              {signatures.map((s) => (
                <SignaturePad
                  key={s.role}
                  value={s}
                  disabled={signing}
                  signedBy={signedBy(s.role)}
                  registered={s.role === 'principal' ? draft?.content.subject.principal : undefined}
                  onChange={(v) => setPads((p) => ({ ...p, [v.role]: v }))}
                />
              ))}
            </Flex>
            <Problems problems={problems} checking={!current} known={draft !== null} />
            {draftError && <ErrorAlert error={draftError} />}
            {signError && <ErrorAlert error={signError} />}
          </Flex>
        )}
      </div>
    </Modal>
  );
}

/** What stands in the way of signing, each once in the interface's language; green when nothing does. */
function Problems({ problems, checking, known }: { problems: DraftProblems; checking: boolean; known: boolean }) {
  const { t } = useI18n();
  if (!known) return null;
  const status = checking ? (
    <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>
      <Spin size="small" /> {t('checking')}
    </Typography.Text>
  ) : null;
  return problems.length === 0 ? (
    <Alert
      type="success"
      showIcon
      data-testid="draft-problems"
      data-count={0}
      title={
        <>
          {t('noProblems')}
          {status}
        </>
      }
    />
  ) : (
    <Alert
      type="warning"
      showIcon
      data-testid="draft-problems"
      data-count={problems.length}
      title={
        <>
          {t('problemsTitle', { n: problems.length })}
          {status}
        </>
      }
      description={<Messages messages={problems} testId="draft-problem" />}
    />
  );
}

type DraftProblems = Draft['problems'];

/** What signing freezes: the subject, the visit, the people, and the hazards major first. */
function FrozenSummary({ content: c }: { content: DocumentContent }) {
  const { t, l } = useI18n();
  const major = c.hazards.filter((h) => h.major).length;
  const photos = new Set(
    [...c.items.flatMap((i) => i.photos), ...c.hazards.flatMap((h) => [...h.photos_before, ...h.photos_after])].map((p) => p.sha256),
  ).size;
  const showsHazards = c.kind !== 'service_plan' && c.kind !== 'letter';
  return (
    <div data-testid="frozen-summary" data-hazards={c.hazards.length} data-major={major} data-photos={photos}>
      <Typography.Text type="secondary">{t('frozenSummary')}</Typography.Text>
      <Descriptions
        size="small"
        bordered
        column={2}
        style={{ marginTop: 6 }}
        items={[
          { key: 'subject', label: t('subject'), children: c.subject.name },
          { key: 'issuer', label: t('issuer'), children: c.issuer.name || t('none') },
          ...(c.visit
            ? [
                {
                  key: 'visit',
                  label: t('visits'),
                  children: `${c.visit.kind} · ${formatTime(c.visit.started_at)}${c.visit.ended_at ? ` – ${formatTime(c.visit.ended_at).slice(11)}` : ''}`,
                },
                { key: 'place', label: t('fieldPlace'), children: c.place || t('none') },
              ]
            : []),
          { key: 'people', label: t('fieldPeople'), children: c.people.map((p) => p.name).join('、') || t('none') },
          ...(showsHazards
            ? [
                {
                  key: 'hazards',
                  label: t('hazards'),
                  children: (
                    <span data-testid="frozen-hazard-count">
                      {t('hazardSplit', { total: c.hazards.length, major, general: c.hazards.length - major })}
                    </span>
                  ),
                },
              ]
            : []),
          { key: 'photos', label: t('photos'), children: t('photoCount', { n: photos }) },
          ...(c.items.length > 0 ? [{ key: 'items', label: t('checklist'), children: t('itemCount', { n: c.items.length }) }] : []),
          ...(c.plan.length > 0
            ? [{ key: 'plan', label: t('servicePlan'), span: 'filled' as const, children: c.plan.map((p) => `${p.name}（${p.specialty}）`).join('、') }]
            : []),
          ...(c.letter ? [{ key: 'letter', label: DOCUMENT_KIND_LABELS.letter.zh, span: 'filled' as const, children: c.letter.findings.join('；') }] : []),
        ]}
      />
      {showsHazards && c.hazards.length > 0 && (
        <ol data-testid="frozen-hazards" style={{ margin: '8px 0 0', paddingInlineStart: 22, maxHeight: 140, overflow: 'auto' }}>
          {c.hazards.map((h) => (
            <li key={h.id} data-testid="frozen-hazard" data-major={h.major ? 'yes' : 'no'} style={{ marginBottom: 2 }}>
              <Tag color={h.major ? 'red' : undefined}>{l(HAZARD_LEVEL_LABELS[h.major ? 'major' : 'general'])}</Tag>
              {h.description}
              {h.location && <Typography.Text type="secondary">（{h.location}）</Typography.Text>}
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                {t('hazardDeadline')} {h.deadline || t('none')}
              </Typography.Text>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The signed document's verification code, large, and its PDF. */
function SignedResult({ document: d, onClose }: { document: DocumentSummary; onClose: () => void }) {
  const { t, l, m } = useI18n();
  const { message } = AntApp.useApp();
  const [opening, setOpening] = useState(false);
  const [pdf, setPdf] = useState<OpenedPdf | null>(null);
  const open = async () => {
    setOpening(true);
    try {
      setPdf(await api.openDocument(d.id));
    } catch (e) {
      message.error({ content: m(toCommandError(e).message), duration: 10 });
    } finally {
      setOpening(false);
    }
  };
  return (
    <Flex vertical align="center" gap={12} style={{ padding: '16px 0 8px' }} data-testid="signed-result" data-id={d.id}>
      <CheckCircleFilled style={{ fontSize: 48, color: '#52c41a' }} />
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('signedTitle', { form: l(DOCUMENT_KIND_LABELS[d.kind]) })}
        {d.version > 1 && <Tag style={{ marginInlineStart: 8 }}>{t('versionN', { n: d.version })}</Tag>}
      </Typography.Title>
      <Typography.Text type="secondary">{d.subject} · {formatTime(d.signed_at)} · {d.signers.join('、')}</Typography.Text>
      <Flex vertical align="center" style={{ border: '1px solid #b7eb8f', background: '#f6ffed', borderRadius: 8, padding: '12px 28px' }}>
        <Typography.Text type="secondary">{t('verificationCode')}</Typography.Text>
        <Typography.Text
          copyable={{ text: d.verification_code }}
          data-testid="signed-code"
          style={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 30, fontWeight: 600, letterSpacing: 3 }}
        >
          {d.verification_code}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('verificationCodeHint')}
        </Typography.Text>
      </Flex>
      {pdf && <PdfLocation pdf={pdf} />}
      <Flex gap={8}>
        <Button type="primary" icon={<FilePdfOutlined />} loading={opening} onClick={() => void open()} data-testid="open-signed-pdf">
          {t('openPdf')}
        </Button>
        <Button onClick={onClose} data-testid="close-signed">
          {t('close')}
        </Button>
      </Flex>
    </Flex>
  );
}
