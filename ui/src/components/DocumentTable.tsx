import { FilePdfOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Empty, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import type { HTMLAttributes } from 'react';
import { api, toCommandError } from '../api';
import type { DocumentSummary } from '../bindings/DocumentSummary';
import { formatTime } from '../format';
import { DOCUMENT_KIND_LABELS, useI18n } from '../i18n';
import { usePdfNotice } from './OpenedPdf';

/** A verification code as printed: monospace, copyable, readable aloud. */
export function CodeText({ code, testId }: { code: string; testId?: string }) {
  return (
    <Typography.Text copyable={{ text: code }} data-testid={testId} style={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', whiteSpace: 'nowrap' }}>
      {code}
    </Typography.Text>
  );
}

/** Renders a document's PDF and opens it in the system viewer, from which it is printed. */
function OpenButton({ document: d }: { document: DocumentSummary }) {
  const { t, m } = useI18n();
  const { message } = AntApp.useApp();
  const notice = usePdfNotice();
  const [opening, setOpening] = useState(false);
  const open = async () => {
    setOpening(true);
    try {
      notice(await api.openDocument(d.id));
    } catch (e) {
      message.error({ content: m(toCommandError(e).message), duration: 10 });
    } finally {
      setOpening(false);
    }
  };
  return (
    <Button size="small" icon={<FilePdfOutlined />} loading={opening} onClick={() => void open()} data-testid="open-document">
      {t('openPrint')}
    </Button>
  );
}

/**
 * Signed documents, newest first: form, version, when and by whom, the verification code, and
 * whether a correction has replaced it. Optional checkboxes choose documents for an export;
 * `onCorrect` offers 更正 on the newest version of each visit form.
 */
export function DocumentTable({
  documents,
  loading,
  onCorrect,
  selected,
  onSelect,
}: {
  documents: DocumentSummary[];
  loading?: boolean;
  onCorrect?: (d: DocumentSummary) => void;
  selected?: string[];
  onSelect?: (ids: string[]) => void;
}) {
  const { t, l } = useI18n();
  const columns: TableColumnsType<DocumentSummary> = [
    {
      key: 'kind',
      title: t('colDocument'),
      render: (_, d) => (
        <Flex gap={4} align="center" wrap>
          <Typography.Text strong>{l(DOCUMENT_KIND_LABELS[d.kind])}</Typography.Text>
          {d.superseded_by && (
            <Tag color="orange" data-testid="superseded-tag">
              {t('superseded')}
            </Tag>
          )}
          {d.kind === 'letter' && <Typography.Text type="secondary">{d.title}</Typography.Text>}
        </Flex>
      ),
    },
    { key: 'version', title: t('colVersion'), width: 80, render: (_, d) => t('versionN', { n: d.version }) },
    { key: 'signed', title: t('colSignedAt'), width: 140, render: (_, d) => formatTime(d.signed_at) },
    {
      key: 'signers',
      title: t('colSigners'),
      render: (_, d) => (
        <Typography.Text style={{ fontSize: 12 }}>{d.signers.length > 0 ? d.signers.join('；') : t('none')}</Typography.Text>
      ),
    },
    { key: 'code', title: t('colCode'), width: 215, render: (_, d) => <CodeText code={d.verification_code} testId="document-code" /> },
    {
      key: 'actions',
      width: onCorrect ? 170 : 110,
      render: (_, d) => (
        <Flex gap={6}>
          <OpenButton document={d} />
          {onCorrect && !d.superseded_by && d.kind !== 'enterprise_file' && (
            <Button size="small" onClick={() => onCorrect(d)} data-testid="correct-document">
              {t('correct')}
            </Button>
          )}
        </Flex>
      ),
    },
  ];
  return (
    <Table<DocumentSummary>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={documents}
      loading={loading}
      pagination={documents.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noDocuments')} /> }}
      rowSelection={
        onSelect
          ? {
              selectedRowKeys: selected ?? [],
              onChange: (keys) => onSelect(keys as string[]),
              getCheckboxProps: (d) => ({ 'data-testid': 'document-check', 'data-id': d.id }) as never,
            }
          : undefined
      }
      onRow={(d) =>
        ({
          'data-testid': 'document-row',
          'data-id': d.id,
          'data-kind': d.kind,
          'data-code': d.verification_code,
          'data-superseded': d.superseded_by ? 'yes' : 'no',
        }) as HTMLAttributes<HTMLElement>
      }
    />
  );
}
