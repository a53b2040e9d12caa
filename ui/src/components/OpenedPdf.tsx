import { FolderOpenOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { OpenedPdf } from '../bindings/OpenedPdf';
import { useI18n } from '../i18n';

/** Shows a file in the system's file manager; says where it is when even that fails. */
function RevealButton({ path }: { path: string }) {
  const { t, m } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setBusy(true);
    try {
      await api.revealFile(path);
    } catch (e) {
      message.error({ content: m(toCommandError(e).message), duration: 10 });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="small" icon={<FolderOpenOutlined />} loading={busy} onClick={() => void reveal()} data-testid="reveal-pdf">
      {t('openFolder')}
    </Button>
  );
}

/**
 * Where a PDF SafeServe wrote is, inline: in the viewer, or — when no viewer opened it — a
 * warning that says where the file is (in the user's documents folder, never a cache) and
 * offers its folder.
 */
export function PdfLocation({ pdf }: { pdf: OpenedPdf }) {
  const { t } = useI18n();
  const where = (
    <Typography.Text copyable={{ text: pdf.path }} data-testid="pdf-path" data-path={pdf.path} data-viewer={pdf.viewer_opened ? 'yes' : 'no'} style={{ fontSize: 12 }}>
      {pdf.path}
    </Typography.Text>
  );
  return pdf.viewer_opened ? (
    <Flex gap={8} align="center" wrap>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('pdfOpenedAt')}
      </Typography.Text>
      {where}
      <RevealButton path={pdf.path} />
    </Flex>
  ) : (
    <Alert
      type="warning"
      showIcon
      title={t('noViewer')}
      description={
        <Flex vertical gap={6} align="flex-start">
          {where}
          <RevealButton path={pdf.path} />
        </Flex>
      }
      data-testid="no-viewer"
    />
  );
}

/** A notice for a PDF opened from a list (no room for it inline). */
export function usePdfNotice() {
  const { notification } = AntApp.useApp();
  const { t } = useI18n();
  return (pdf: OpenedPdf) =>
    (pdf.viewer_opened ? notification.success : notification.warning)({
      title: pdf.viewer_opened ? t('pdfOpenedAt') : t('noViewer'),
      description: <PdfLocation pdf={{ ...pdf, viewer_opened: true }} />,
      duration: pdf.viewer_opened ? 6 : 0,
    });
}
