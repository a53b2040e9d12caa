import { App as AntApp, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Finding } from '../bindings/Finding';
import type { VisitSummary } from '../bindings/VisitSummary';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorAlert } from './ErrorAlert';

const DEFAULT_DEMANDS = [
  '对上述问题立即组织整改，完善服务记录和档案资料，杜绝弄虚作假；',
  '对相关技术服务人员开展警示教育，落实项目质量控制；',
].join('\n');

/** A finding's identity across reloads: where it comes from in the inspection. */
function keyOf(f: Finding): string {
  const s = f.source;
  return s.kind === 'item' ? `item:${s.code}` : s.kind === 'hazard' ? `hazard:${s.id}` : `condition:${s.condition}`;
}

/**
 * 拟写函告 on an ended agency inspection: the inspection's failed items, hazards and the agency's
 * unmet R1 conditions, each with its evidence, to tick into the letter; the demands and the reply
 * period. The saved draft is what the supervisor's signature on 函告 (under 文书) approves.
 */
export function LetterDraftCard({ visit }: { visit: VisitSummary }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const load = useLoad(`letter:${visit.id}`, async () => {
    const [candidates, draft, documents] = await Promise.all([
      api.letterCandidates(visit.id),
      api.letterDraft(visit.id),
      api.listDocuments({ visitId: visit.id }),
    ]);
    return { candidates, draft, signed: documents.some((d) => d.kind === 'letter') };
  });
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [demands, setDemands] = useState(DEFAULT_DEMANDS);
  const [replyDays, setReplyDays] = useState(15);
  const [by, setBy] = useState('');
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);

  // A saved draft comes back as it was saved; without one nothing is ticked yet.
  useEffect(() => {
    const d = load.data?.draft;
    if (!d) return;
    setChosen(Object.fromEntries(d.findings.map((f) => [keyOf(f), f.text])));
    setDemands(d.demands.join('\n'));
    setReplyDays(d.reply_days);
    setBy(d.drafted_by);
  }, [load.data?.draft]);

  const candidates = load.data?.candidates ?? [];
  const signed = load.data?.signed ?? false;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const findings = candidates.filter((f) => keyOf(f) in chosen).map((f) => ({ ...f, text: chosen[keyOf(f)] }));
      await api.saveLetterDraft({
        visit_id: visit.id,
        findings,
        demands: demands.split('\n').map((d) => d.trim()).filter((d) => d !== ''),
        reply_days: replyDays,
        drafted_by: by,
      });
      message.success(t('letterDraftSaved'));
      load.reload();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('letterCompose')}
      data-testid="letter-draft"
      data-state={load.loading ? 'loading' : 'ready'}
      data-saved={load.data?.draft ? 'yes' : 'no'}
      extra={signed && <Tag color="green">{t('letterSigned')}</Tag>}
    >
      {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('letterComposeHint')}
      </Typography.Paragraph>
      <Typography.Text strong>{t('letterFindings')}</Typography.Text>
      {candidates.length === 0 && !load.loading && <Typography.Paragraph>{t('letterNoCandidates')}</Typography.Paragraph>}
      <Flex vertical gap={6} style={{ margin: '6px 0 12px' }}>
        {candidates.map((f) => {
          const k = keyOf(f);
          const on = k in chosen;
          return (
            <div key={k} data-testid="letter-candidate" data-key={k} style={{ borderBottom: '1px solid #f5f5f5', paddingBottom: 4 }}>
              <Checkbox
                checked={on}
                disabled={signed}
                data-testid="letter-candidate-check"
                onChange={(e) =>
                  setChosen((c) => {
                    const next = { ...c };
                    if (e.target.checked) next[k] = f.text;
                    else delete next[k];
                    return next;
                  })
                }
              >
                {on ? (
                  <Input
                    size="small"
                    value={chosen[k]}
                    disabled={signed}
                    style={{ width: 520 }}
                    onClick={(e) => e.preventDefault()}
                    onChange={(e) => setChosen((c) => ({ ...c, [k]: e.target.value }))}
                  />
                ) : (
                  f.text
                )}
              </Checkbox>
              {f.evidence.length > 0 && (
                <div style={{ marginInlineStart: 24 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="letter-evidence">
                    {t('evidence')}：{f.evidence.join('；')}
                  </Typography.Text>
                </div>
              )}
            </div>
          );
        })}
      </Flex>
      <Form layout="vertical" size="small" disabled={signed}>
        <Form.Item label={t('letterDemands')}>
          <Input.TextArea rows={3} value={demands} onChange={(e) => setDemands(e.target.value)} data-testid="letter-demands" />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item label={t('letterReplyDays')}>
            <InputNumber min={1} max={90} value={replyDays} onChange={(v) => setReplyDays(v ?? 15)} data-testid="letter-reply-days" />
          </Form.Item>
          <Form.Item label={t('letterDraftedBy')}>
            <Input value={by} onChange={(e) => setBy(e.target.value)} data-testid="letter-drafted-by" />
          </Form.Item>
        </Flex>
      </Form>
      {error && <ErrorAlert error={error} />}
      <Button type="primary" onClick={save} loading={saving} disabled={signed} data-testid="letter-save">
        {t('letterSaveDraft')}
      </Button>
    </Card>
  );
}
