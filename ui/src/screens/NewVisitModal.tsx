import { EnvironmentOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Input, Modal, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, toCommandError } from '../api';
import type { CommandError } from '../bindings/CommandError';
import type { Mismatch } from '../bindings/Mismatch';
import type { PersonSummary } from '../bindings/PersonSummary';
import type { Place } from '../bindings/Place';
import type { TemplateSummary } from '../bindings/TemplateSummary';
import type { VisitKind } from '../bindings/VisitKind';
import type { Industry } from '../bindings/Industry';
import { ErrorAlert } from '../components/ErrorAlert';
import { VISIT_KIND_LABELS, useI18n } from '../i18n';

export interface VisitTarget {
  kind: 'enterprise' | 'agency';
  id: string;
  name: string;
  industry: Industry | null;
  /** The agency serving the enterprise, whose qualified staff are proposed as the people sent. */
  servingAgencyId: string | null;
  /** The registered address, proposed as the place when the laptop cannot locate itself. */
  address?: string | null;
}

const ENTERPRISE_KINDS: VisitKind[] = ['service', 'first_service', 'spot_check', 'reinspection'];

function qualified(p: PersonSummary) {
  return p.certificates.some((c) => !c.expired);
}

/**
 * Starts a visit: kind, checklist edition, people sent, place. For an agency's visit to a
 * high-risk enterprise the people are checked against the work as they are chosen (R7); going
 * ahead despite a mismatch needs a written reason, which is kept with the visit.
 */
export function NewVisitModal({
  target,
  onClose,
  onStarted,
}: {
  target: VisitTarget;
  onClose: () => void;
  onStarted: (visitId: string) => void;
}) {
  const { t, l, m } = useI18n();
  const kinds: VisitKind[] = target.kind === 'agency' ? ['agency_inspection'] : ENTERPRISE_KINDS;
  const [kind, setKind] = useState<VisitKind>(kinds[0]);
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const [template, setTemplate] = useState<string | null>(null);
  const [people, setPeople] = useState<PersonSummary[]>([]);
  const [options, setOptions] = useState<PersonSummary[]>([]);
  const [place, setPlace] = useState<Place>({ latitude: null, longitude: null, description: '' });
  const [locating, setLocating] = useState<'idle' | 'busy' | 'failed'>('idle');
  const [mismatches, setMismatches] = useState<Mismatch[]>([]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<CommandError | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    api.listTemplates().then((all) => {
      const fit = all.filter((x) => x.target === target.kind);
      setTemplates(fit);
      const special = fit.find((x) => target.industry !== null && x.industries.includes(target.industry));
      // A template written for the industry first, else the general one for any industry.
      setTemplate((special ?? fit.find((x) => x.industries.length === 0) ?? fit[0])?.key ?? null);
    }, (e: unknown) => setError(toCommandError(e)));
    if (target.servingAgencyId) {
      const agency = target.servingAgencyId;
      Promise.all([api.agencyDetail(agency), api.proposedPeople(kinds[0], target.id, agency)]).then(([a, proposed]) => {
        setPeople(proposed.flatMap((id) => a.staff.filter((p) => p.id === id)));
        setOptions(a.staff);
      }, () => {});
    }
    // Without a location the enterprise's registered address is the place, to be made more
    // precise (workshop, store) by hand.
    if (target.address) setPlace((p) => (p.description === '' ? { ...p, description: target.address ?? '' } : p));
    // Proposed once per target: changing the kind afterwards keeps the people the user picked.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- kinds[0] is the kind the dialog opened with
  }, [target]);

  const ids = useMemo(() => people.map((p) => p.id), [people]);
  const byAgency = kind === 'service' || kind === 'first_service';
  useEffect(() => {
    if (!byAgency || target.kind !== 'enterprise') {
      setMismatches([]);
      return;
    }
    api.capabilityCheck(kind, target.id, ids).then(setMismatches, () => setMismatches([]));
  }, [kind, ids, byAgency, target]);

  const search = (text: string) => {
    api.searchPeople(text).then(
      (found) => setOptions([...people, ...found.filter((f) => !people.some((p) => p.id === f.id))]),
      () => {},
    );
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('failed');
      return;
    }
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setPlace((p) => ({ ...p, latitude: pos.coords.latitude, longitude: pos.coords.longitude }));
        setLocating('idle');
      },
      () => setLocating('failed'),
      { timeout: 8000 },
    );
  };

  const start = async () => {
    if (!template) return;
    setStarting(true);
    setError(null);
    try {
      const v = await api.startVisit({
        kind,
        target_id: target.id,
        template_key: template,
        template_version: null,
        people: ids,
        place,
        mismatch_reason: reason.trim() === '' ? null : reason,
      });
      onStarted(v.summary.id);
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setStarting(false);
    }
  };

  return (
    <Modal
      open
      title={`${t('startVisit')} · ${target.name}`}
      onCancel={onClose}
      onOk={start}
      okText={t('startVisit')}
      okButtonProps={{ loading: starting, disabled: !template || people.length === 0, 'data-testid': 'start-visit-ok' }}
      width={640}
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="new-visit">
        <div>
          <Typography.Text strong>{t('fieldVisitKind')}</Typography.Text>
          <Select<VisitKind>
            style={{ width: '100%' }}
            value={kind}
            onChange={setKind}
            data-testid="visit-kind"
            options={kinds.map((k) => ({ value: k, label: l(VISIT_KIND_LABELS[k]) }))}
          />
        </div>
        <div>
          <Typography.Text strong>{t('fieldTemplate')}</Typography.Text>
          <Select<string>
            style={{ width: '100%' }}
            value={template ?? undefined}
            onChange={setTemplate}
            options={templates.map((x) => ({ value: x.key, label: `${x.title}（v${x.version}，${x.items} 项）` }))}
          />
        </div>
        <div>
          <Typography.Text strong>{t('fieldPeople')}</Typography.Text>
          <Select<string[]>
            mode="multiple"
            style={{ width: '100%' }}
            value={ids}
            placeholder={t('fieldPeoplePlaceholder')}
            showSearch={{ filterOption: false, onSearch: search }}
            onChange={(next) => setPeople(options.filter((o) => next.includes(o.id)))}
            options={options.map((p) => ({ value: p.id, label: `${p.name}${qualified(p) ? '' : '（无有效证书）'}` }))}
            data-testid="visit-people"
          />
        </div>
        <div>
          <Typography.Text strong>{t('fieldPlace')}</Typography.Text>
          <Flex gap={8}>
            <Input
              value={place.description}
              placeholder={t('fieldPlacePlaceholder')}
              onChange={(e) => setPlace((p) => ({ ...p, description: e.target.value }))}
              data-testid="visit-place"
            />
            <Button icon={<EnvironmentOutlined />} loading={locating === 'busy'} onClick={locate}>
              {t('locate')}
            </Button>
          </Flex>
          {place.latitude !== null && place.longitude !== null && (
            <Typography.Text type="secondary">
              {t('located', { lat: place.latitude.toFixed(5), lon: place.longitude.toFixed(5) })}
            </Typography.Text>
          )}
          {locating === 'failed' && <Typography.Text type="warning">{t('noLocation')}</Typography.Text>}
        </div>
        {byAgency && target.kind === 'enterprise' && people.length > 0 && (
          mismatches.length === 0 ? (
            <Alert type="success" showIcon title={t('capabilityOk')} data-testid="capability-ok" />
          ) : (
            <Alert
              type="warning"
              showIcon
              data-testid="capability-mismatch"
              title={t('mismatchTitle')}
              description={
                <Flex vertical gap={8}>
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {mismatches.map((x, i) => (
                      <li key={i}>{m(x.message)}</li>
                    ))}
                  </ul>
                  <Input.TextArea
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    placeholder={`${t('mismatchReason')}：${t('mismatchReasonPlaceholder')}`}
                    status={error?.field === 'mismatch_reason' ? 'error' : undefined}
                    data-testid="mismatch-reason"
                  />
                </Flex>
              }
            />
          )
        )}
        {error && <ErrorAlert error={error} />}
      </Flex>
    </Modal>
  );
}
