import { ExportOutlined, FileProtectOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Flex, Progress, Typography } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { ExportResult } from '../bindings/ExportResult';
import { formatBytes } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { DocumentTable } from './DocumentTable';
import { ErrorAlert } from './ErrorAlert';
import { usePdfNotice } from './OpenedPdf';

type Exporting = { done: number; total: number; bytes: number };

/**
 * An enterprise's signed documents: open or print one, export several as PDFs into one folder
 * (with progress as each is written), or sign a fresh 一企一档 bundling the newest of them.
 */
export function EnterpriseDocuments({ enterpriseId }: { enterpriseId: string }) {
  const { t, m } = useI18n();
  const { message } = AntApp.useApp();
  const notice = usePdfNotice();
  const load = useLoad(`enterprise-documents:${enterpriseId}`, () => api.listDocuments({ enterpriseId }));
  const documents = load.data ?? [];
  const [selected, setSelected] = useState<string[]>([]);
  const [progress, setProgress] = useState<Exporting | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [bundling, setBundling] = useState(false);

  const exportSelected = async () => {
    // In the list's order (newest first), whatever order they were ticked in.
    const ids = documents.filter((d) => selected.includes(d.id)).map((d) => d.id);
    setResult(null);
    setError(null);
    setProgress({ done: 0, total: ids.length, bytes: 0 });
    try {
      const r = await api.exportDocuments(ids, null, (p) => setProgress({ done: p.done, total: p.total, bytes: p.bytes }));
      setResult(r);
      setProgress({ done: r.files.length, total: ids.length, bytes: r.bytes });
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  const makeFile = async () => {
    setBundling(true);
    try {
      const opened = await api.openEnterpriseFile(enterpriseId);
      message.success({ content: t('enterpriseFileSigned', { code: opened.document.verification_code }), duration: 8 });
      notice(opened.pdf);
      load.reload();
    } catch (e) {
      message.error({ content: m(toCommandError(e).message), duration: 10 });
    } finally {
      setBundling(false);
    }
  };

  const running = progress !== null && result === null && error === null;
  return (
    <Card
      size="small"
      title={t('documentsTitle')}
      data-testid="enterprise-documents"
      data-state={load.loading ? 'loading' : 'ready'}
      data-count={documents.length}
      extra={
        <Flex gap={8}>
          <Button
            size="small"
            icon={<ExportOutlined />}
            disabled={selected.length === 0 || running}
            loading={running}
            onClick={() => void exportSelected()}
            data-testid="export-documents"
          >
            {selected.length > 0 ? t('exportSelectedN', { n: selected.length }) : t('exportSelected')}
          </Button>
          <Button size="small" icon={<FileProtectOutlined />} loading={bundling} onClick={() => void makeFile()} data-testid="make-enterprise-file">
            {t('makeEnterpriseFile')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={8}>
        {load.error && <ErrorAlert error={load.error} onRetry={load.reload} />}
        {progress && (
          <div data-testid="export-progress" data-done={progress.done} data-total={progress.total}>
            <Progress
              percent={progress.total === 0 ? 100 : Math.round((progress.done / progress.total) * 100)}
              status={error ? 'exception' : result ? 'success' : 'active'}
              format={() => `${progress.done}/${progress.total}`}
            />
            {running && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('exporting', { done: progress.done, total: progress.total, size: formatBytes(progress.bytes) })}
              </Typography.Text>
            )}
          </div>
        )}
        {result && (
          <Alert
            type="success"
            showIcon
            closable
            onClose={() => {
              setResult(null);
              setProgress(null);
            }}
            data-testid="export-done"
            data-folder={result.folder}
            title={
              <>
                {t('exported', { n: result.files.length, size: formatBytes(result.bytes) })}{' '}
                <Typography.Text code copyable>
                  {result.folder}
                </Typography.Text>
              </>
            }
          />
        )}
        {error && <ErrorAlert error={error} />}
        <DocumentTable documents={documents} loading={load.loading} selected={selected} onSelect={setSelected} />
      </Flex>
    </Card>
  );
}
