import { WarningOutlined } from '@ant-design/icons';
import { Flex, Tag, Tooltip, Typography } from 'antd';
import type { CertificateView } from '../bindings/CertificateView';
import { CERTIFICATE_KIND_LABELS, useI18n } from '../i18n';

/** A status colour only where it matters: red = expired, orange = expiring soon. */
function certificateColor(c: CertificateView): string | undefined {
  if (c.expired) return 'red';
  if (c.expiring_soon) return 'orange';
  return undefined;
}

/**
 * One person's certificates. A certificate number that other agencies also list is the pattern
 * of 证书挂靠 (R15), so it is spelled out next to the certificate rather than hidden in a tooltip.
 */
export function Certificates({ certificates }: { certificates: CertificateView[] }) {
  const { t, l, lang } = useI18n();
  if (certificates.length === 0) return <Typography.Text type="secondary">{t('none')}</Typography.Text>;
  return (
    <Flex vertical gap={4}>
      {certificates.map((c) => {
        const status = c.expired ? t('certExpired') : c.expiring_soon ? t('certExpiringSoon') : null;
        const validity = c.expires_on ? t('certExpires', { date: c.expires_on }) : t('certNoExpiry');
        const tip = [
          c.number,
          t('certIssuer', { issuer: c.issuer }),
          ...(c.level ? [t('certLevel', { level: c.level })] : []),
          ...(c.issued_on ? [t('certIssued', { date: c.issued_on })] : []),
          validity,
        ].join('\n');
        return (
          <div key={`${c.kind}-${c.number}`} data-testid="certificate" data-expired={c.expired} data-expiring-soon={c.expiring_soon}>
            <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{tip}</span>}>
              <Tag color={certificateColor(c)} style={{ marginInlineEnd: 4 }}>
                {c.specialty
                  ? t('withNote', { label: l(CERTIFICATE_KIND_LABELS[c.kind]), note: c.specialty })
                  : l(CERTIFICATE_KIND_LABELS[c.kind])}
                {status ? ` · ${status}` : ''}
              </Tag>
            </Tooltip>
            {c.also_claimed_by.length > 0 && (
              <Typography.Text type="danger" data-testid="also-claimed-by">
                <WarningOutlined /> {t('alsoClaimedBy', { names: c.also_claimed_by.join(lang === 'zh' ? '、' : ', ') })}
              </Typography.Text>
            )}
          </div>
        );
      })}
    </Flex>
  );
}
