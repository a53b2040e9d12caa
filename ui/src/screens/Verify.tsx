import {
  CheckCircleFilled,
  CloseCircleFilled,
  ExclamationCircleFilled,
  FilePdfOutlined,
  QuestionCircleFilled,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { Button, Card, Descriptions, Flex, Input, Typography } from 'antd';
import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Verdict } from '../bindings/Verdict';
import type { Verification } from '../bindings/Verification';
import { CodeText } from '../components/DocumentTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { Messages } from '../components/Messages';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatTime } from '../format';
import { DOCUMENT_KIND_LABELS, VERDICT_LABELS, useI18n } from '../i18n';

const VERDICT_LOOK: Record<Verdict, { color: string; background: string; border: string; icon: ReactNode }> = {
  valid: { color: '#389e0d', background: '#f6ffed', border: '#b7eb8f', icon: <CheckCircleFilled /> },
  altered: { color: '#cf1322', background: '#fff1f0', border: '#ffa39e', icon: <CloseCircleFilled /> },
  superseded: { color: '#d46b08', background: '#fff7e6', border: '#ffd591', icon: <ExclamationCircleFilled /> },
  unknown: { color: '#595959', background: '#fafafa', border: '#d9d9d9', icon: <QuestionCircleFilled /> },
};

/**
 * 文书验证: a printed document's verification code as typed from the paper (any case, spaces or
 * dashes), or an exported PDF, checked against the signed record. The verdict is shown large
 * in its colour with every reason, and the document it names.
 */
export function Verify() {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<{ v: Verification; source: string } | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const file = useRef<HTMLInputElement>(null);

  const run = async (source: string, check: () => Promise<Verification>) => {
    setChecking(true);
    setError(null);
    try {
      setResult({ v: await check(), source });
    } catch (e) {
      setResult(null);
      setError(toCommandError(e));
    } finally {
      setChecking(false);
    }
  };

  const byCode = () => {
    if (code.trim() === '') return;
    void run(code.trim(), () => api.verifyCode(code));
  };

  const byFile = async (f: File) => {
    const bytes = new Uint8Array(await f.arrayBuffer());
    await run(t('verifiedFile', { name: f.name }), () => api.verifyPdf(bytes));
  };

  return (
    <Flex vertical gap={16} data-testid="verify" data-state={checking ? 'checking' : 'ready'}>
      <ScreenHeader title={t('verifyTitle')} testId="verify-title" />
      <Card size="small">
        <Flex vertical gap={10}>
          <Typography.Text type="secondary">{t('verifyHint')}</Typography.Text>
          <Flex gap={8} wrap>
            <Input
              size="large"
              allowClear
              value={code}
              onChange={(e) => setCode(e.target.value)}
              onPressEnter={byCode}
              placeholder={t('verifyCodePlaceholder')}
              prefix={<SafetyCertificateOutlined />}
              aria-label={t('verificationCode')}
              style={{ flex: '1 1 320px', maxWidth: 480, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' }}
              data-testid="verify-code"
            />
            <Button size="large" type="primary" loading={checking} disabled={code.trim() === ''} onClick={byCode} data-testid="verify-code-submit">
              {t('verify')}
            </Button>
            <input
              ref={file}
              type="file"
              accept="application/pdf,.pdf"
              data-testid="verify-pdf-input"
              // Present but invisible (not display:none), so the WebDriver tests can hand it a file.
              style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void byFile(f);
                e.target.value = '';
              }}
            />
            <Button size="large" icon={<FilePdfOutlined />} disabled={checking} onClick={() => file.current?.click()} data-testid="verify-pdf">
              {t('verifyPdf')}
            </Button>
          </Flex>
        </Flex>
      </Card>
      {error && <ErrorAlert error={error} />}
      {result && <VerificationCard verification={result.v} source={result.source} />}
    </Flex>
  );
}

function VerificationCard({ verification: v, source }: { verification: Verification; source: string }) {
  const { t, l } = useI18n();
  const look = VERDICT_LOOK[v.verdict];
  const d = v.document;
  const newest = v.superseded_by;
  return (
    <Card
      size="small"
      data-testid="verification"
      data-verdict={v.verdict}
      data-source={source}
      style={{ borderColor: look.border, background: look.background }}
    >
      <Flex vertical gap={12}>
        <Flex align="center" gap={16}>
          <span style={{ fontSize: 56, color: look.color, lineHeight: 1 }}>{look.icon}</span>
          <div>
            <div data-testid="verdict" style={{ fontSize: 32, fontWeight: 700, color: look.color, lineHeight: 1.2 }}>
              {VERDICT_LABELS[v.verdict].zh}
            </div>
            <Typography.Text type="secondary" lang="en">
              {VERDICT_LABELS[v.verdict].en}
            </Typography.Text>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {source}
              </Typography.Text>
            </div>
          </div>
        </Flex>
        {newest && (
          <Typography.Text strong style={{ color: look.color, fontSize: 16 }} data-testid="newest-version" data-code={newest.verification_code}>
            {t('supersededBy', { version: newest.version, code: newest.verification_code, at: formatTime(newest.signed_at) })}
          </Typography.Text>
        )}
        {v.reasons.length > 0 && v.verdict !== 'valid' && (
          <div data-testid="verification-reasons" data-count={v.reasons.length}>
            <Typography.Text strong>{t('reasons')}</Typography.Text>
            <Messages messages={v.reasons} testId="verification-reason" />
          </div>
        )}
        {d && (
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2 }}
            style={{ background: '#fff' }}
            data-testid="verified-document"
            items={[
              { key: 'kind', label: t('colDocument'), children: d.kind === 'letter' ? d.title : l(DOCUMENT_KIND_LABELS[d.kind]) },
              { key: 'subject', label: t('subject'), children: d.subject },
              { key: 'version', label: t('colVersion'), children: t('versionN', { n: d.version }) },
              { key: 'signed', label: t('colSignedAt'), children: formatTime(d.signed_at) },
              { key: 'signers', label: t('colSigners'), children: d.signers.join('；') || t('none') },
              { key: 'code', label: t('verificationCode'), children: <CodeText code={d.verification_code} testId="verified-code" /> },
            ]}
          />
        )}
      </Flex>
    </Card>
  );
}
