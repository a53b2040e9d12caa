import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import type { DocumentKind } from '../bindings/DocumentKind';
import type { DocumentSummary } from '../bindings/DocumentSummary';
import type { SignerRole } from '../bindings/SignerRole';
import type { VisitSummary } from '../bindings/VisitSummary';
import { useLoad } from '../hooks';
import { DOCUMENT_KIND_LABELS, useI18n } from '../i18n';
import { DocumentTable } from './DocumentTable';
import { ErrorAlert } from './ErrorAlert';
import { SignDocumentModal } from './SignDocumentModal';
import { useSession } from '../session';

type Signing = { kind: DocumentKind; replaces: DocumentSummary | null };

const NO_SIGNERS: SignerRole[][] = [];

/**
 * 文书 of an ended visit: each form that can be signed, with 签字 (or 更正 once signed), and
 * below the documents signed for the visit, every version kept. `signNow` (the visit has just
 * ended) brings the card into view and opens the hazard list's signing: the principal signs next.
 */
export function VisitDocuments({ visit, signNow }: { visit: VisitSummary; signNow?: boolean }) {
  const { t, l } = useI18n();
  // A letter is signed by who approves it (the Rust side checks every signature's role).
  const { may } = useSession();
  const load = useLoad(`documents:${visit.id}`, async () => {
    const [forms, documents] = await Promise.all([api.documentForms(visit.id), api.listDocuments({ visitId: visit.id })]);
    return { forms, documents };
  });
  const [signing, setSigning] = useState<Signing | null>(null);
  const forms = load.data?.forms ?? [];
  const documents = load.data?.documents ?? [];
  // The newest version of each form; a correction replaces it.
  const current = (kind: DocumentKind) => documents.find((d) => d.kind === kind && !d.superseded_by) ?? null;
  const card = useRef<HTMLDivElement>(null);
  const brought = useRef(false);
  useEffect(() => {
    if (!signNow || brought.current || !load.data) return;
    brought.current = true;
    card.current?.scrollIntoView({ block: 'start' });
    const list = load.data.forms.find((f) => f.kind === 'hazard_list');
    if (list && !load.data.documents.some((d) => d.kind === 'hazard_list')) setSigning({ kind: 'hazard_list', replaces: null });
  }, [signNow, load.data]);

  return (
    <Card
      ref={card}
      size="small"
      title={t('documentsTitle')}
      data-testid="visit-documents"
      data-state={load.loading ? 'loading' : 'ready'}
      data-count={documents.length}
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('documentsHint')}
        </Typography.Text>
        {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
        <Flex gap={8} wrap>
          {forms.map(({ kind }) => {
            const signed = current(kind);
            return (
              <Flex
                key={kind}
                align="center"
                gap={8}
                data-testid="document-form"
                data-kind={kind}
                style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '6px 10px' }}
              >
                <Typography.Text strong>{l(DOCUMENT_KIND_LABELS[kind])}</Typography.Text>
                {signed ? (
                  <Tag color="green">{t('signedVersion', { n: signed.version })}</Tag>
                ) : (
                  <Tag>{t('notSigned')}</Tag>
                )}
                {kind === 'letter' && !may('approve_letter') ? null : signed ? (
                  <Button size="small" onClick={() => setSigning({ kind, replaces: signed })} data-testid={`correct-${kind}`}>
                    {t('correct')}
                  </Button>
                ) : (
                  <Button
                    size="small"
                    type="primary"
                    icon={<EditOutlined />}
                    onClick={() => setSigning({ kind, replaces: null })}
                    data-testid={`sign-${kind}`}
                  >
                    {t('signForm')}
                  </Button>
                )}
              </Flex>
            );
          })}
        </Flex>
        <div>
          <Typography.Text strong>{t('signedDocuments')}</Typography.Text>
          <DocumentTable
            documents={documents}
            loading={load.loading}
            onCorrect={(d) => setSigning({ kind: d.kind, replaces: d })}
          />
        </div>
      </Flex>
      {signing && (
        <SignDocumentModal
          kind={signing.kind}
          visitId={visit.id}
          signers={forms.find((f) => f.kind === signing.kind)?.signers ?? NO_SIGNERS}
          replaces={signing.replaces}
          onClose={() => setSigning(null)}
          onSigned={load.reload}
        />
      )}
    </Card>
  );
}
