import { App as AntApp, Button, Card, Descriptions, Empty, Flex, Form, Input, Modal, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { api, toCommandError } from '../api';
import type { AgencySummary } from '../bindings/AgencySummary';
import type { CommandError } from '../bindings/CommandError';
import type { EnterpriseContact } from '../bindings/EnterpriseContact';
import type { EnterpriseFile as EnterpriseFileData } from '../bindings/EnterpriseFile';
import { ContractsTable } from '../components/ContractsTable';
import { EnterpriseDocuments } from '../components/EnterpriseDocuments';
import { FormError } from '../components/ErrorAlert';
import { HazardTable } from '../components/HazardTable';
import { Loaded } from '../components/Loaded';
import { R1Status } from '../components/R1Status';
import { ContractModal } from '../components/ContractModal';
import { IndustryLabel } from '../components/IndustryLabel';
import { ScreenHeader } from '../components/ScreenHeader';
import { placeFieldError } from '../forms';
import { useLoad } from '../hooks';
import { ENTERPRISE_SIZE_LABELS, useI18n } from '../i18n';
import { useNav } from '../nav';
import { NewVisitModal } from './NewVisitModal';
import { VisitTable } from './Visits';
import { useSession } from '../session';

/** 一企一档: one enterprise's profile, the agencies serving it and its contracts. */
export function EnterpriseFile({ id }: { id: string }) {
  const load = useLoad(id, () => api.enterpriseFile(id));
  return (
    <Loaded testId="enterprise-file" id={id} load={load}>
      {(data) => <FileBody file={data} onChanged={load.reload} />}
    </Loaded>
  );
}

function FileBody({ file, onChanged }: { file: EnterpriseFileData; onChanged: () => void }) {
  const { t, l, m } = useI18n();
  const { may } = useSession();
  const nav = useNav();
  const e = file.enterprise;
  const [starting, setStarting] = useState(false);
  const [editing, setEditing] = useState(false);
  const [contracting, setContracting] = useState<'market' | 'commission' | null>(null);
  const c = file.hazard_counts;
  return (
    <>
      <ScreenHeader
        title={e.name}
        testId="enterprise-file-name"
        extra={
          <>
            <Tag>{t('enterpriseFileTitle')}</Tag>
            {e.high_risk && <Tag color="red">{t('highRisk')}</Tag>}
            {may('record_contract') && (
              <Button onClick={() => setContracting('market')} data-testid="add-contract">
                {t('addContract')}
              </Button>
            )}
            {may('commission') && (
              <Button onClick={() => setContracting('commission')} data-testid="commission-check">
                {t('commissionCheck')}
              </Button>
            )}
            {may('supervise') && (
              <Button onClick={() => nav.go({ name: 'backtrace', id: e.id })} data-testid="open-backtrace">
                {t('openBacktrace')}
              </Button>
            )}
            {(may('record_service') || may('record_inspection')) && (
              <Button type="primary" onClick={() => setStarting(true)} data-testid="start-visit">
                {t('startVisit')}
              </Button>
            )}
          </>
        }
      />
      {starting && (
        <NewVisitModal
          target={{
            kind: 'enterprise',
            id: e.id,
            name: e.name,
            industry: e.industry,
            servingAgencyId: file.serving_agencies[0]?.id ?? null,
            address: e.address,
          }}
          onClose={() => setStarting(false)}
          onStarted={(id) => {
            setStarting(false);
            nav.go({ name: 'visit', id });
          }}
        />
      )}
      {contracting && (
        <ContractModal
          enterpriseId={e.id}
          township={e.division}
          commissioned={contracting === 'commission'}
          onClose={() => setContracting(null)}
          onAdded={() => {
            setContracting(null);
            onChanged();
          }}
        />
      )}
      {editing && (
        <ContactModal
          file={file}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
      <Flex vertical gap={16}>
        <Card
          size="small"
          title={t('profile')}
          extra={
            <Button size="small" onClick={() => setEditing(true)} data-testid="enterprise-edit-contact">
              {t('editContact')}
            </Button>
          }
        >
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 3 }}
            items={[
              { key: 'credit_code', label: t('colCreditCode'), children: e.credit_code },
              { key: 'principal', label: t('fieldPrincipal'), children: file.principal },
              { key: 'safety_contact', label: t('fieldSafetyContact'), children: file.safety_contact },
              { key: 'phone', label: t('fieldPhone'), children: file.phone },
              { key: 'division', label: t('colDivision'), children: e.division_name },
              {
                key: 'industry',
                label: t('colIndustry'),
                children: <IndustryLabel industry={e.industry} highRisk={e.high_risk} />,
              },
              { key: 'size', label: t('colSize'), children: l(ENTERPRISE_SIZE_LABELS[e.size]) },
              { key: 'park', label: t('colPark'), children: e.park ?? t('none') },
              { key: 'address', label: t('colAddress'), children: e.address, span: 'filled' },
            ]}
          />
        </Card>

        <Card size="small" title={t('servingAgencies')} data-testid="serving-agencies">
          {file.serving_agencies.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noServingAgencies')} />
          ) : (
            <Flex vertical gap={6}>
              {file.serving_agencies.map((a) => (
                <ServingAgency key={a.id} agency={a} />
              ))}
            </Flex>
          )}
        </Card>

        <Card
          size="small"
          title={t('hazards')}
          data-testid="enterprise-hazards"
          extra={
            <Typography.Text type={c.overdue > 0 ? 'danger' : 'secondary'} data-testid="hazard-counts">
              {t('hazardCounts', { open: c.open, overdue: c.overdue, closed: c.closed, major: c.major_open })}
            </Typography.Text>
          }
        >
          <HazardTable hazards={file.hazards} />
        </Card>

        <Card size="small" title={t('visits')} data-testid="enterprise-visits">
          <VisitTable visits={file.visits} rowTestId="enterprise-visit" />
        </Card>

        <EnterpriseDocuments enterpriseId={e.id} />

        <Card size="small" title={t('contracts')} data-testid="enterprise-contracts">
          <ContractsTable contracts={file.contracts} counterpart="agency" />
        </Card>

        <Card size="small" title={t('timeline')} data-testid="enterprise-timeline">
          {file.timeline.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <Timeline
              items={file.timeline.slice(0, 60).map((x, i) => ({
                key: i,
                color: x.major ? 'red' : x.kind === 'hazard' ? 'orange' : x.kind === 'visit' ? 'blue' : 'gray',
                content: (
                  <>
                    <Typography.Text type="secondary">{x.at.slice(0, 16).replace('T', ' ')}</Typography.Text> {m(x.title)}
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {m(x.detail)}
                      </Typography.Text>
                    </div>
                  </>
                ),
              }))}
            />
          )}
        </Card>
      </Flex>
    </>
  );
}

const CONTACT_FIELDS: (keyof EnterpriseContact)[] = ['address', 'principal', 'safety_contact', 'phone'];

/**
 * Corrects the contact details found out of date on site. The store checks what it requires; its
 * message is put under the field it names, and nothing typed is lost on a failed save.
 */
function ContactModal({ file, onClose, onSaved }: { file: EnterpriseFileData; onClose: () => void; onSaved: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EnterpriseContact>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<CommandError | null>(null);
  const initial: EnterpriseContact = {
    address: file.enterprise.address,
    principal: file.principal,
    safety_contact: file.safety_contact,
    phone: file.phone,
  };

  const save = async () => {
    let values: EnterpriseContact;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the messages under the fields
    }
    setSaving(true);
    setFormError(null);
    try {
      await api.updateEnterpriseContact(file.enterprise.id, {
        address: values.address.trim(),
        principal: values.principal.trim(),
        safety_contact: (values.safety_contact ?? '').trim(),
        phone: (values.phone ?? '').trim(),
      });
      message.success(t('contactSaved'));
      onSaved();
    } catch (e) {
      const err = toCommandError(e);
      if (!placeFieldError(form, CONTACT_FIELDS, err, i18n)) setFormError(err);
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Modal
      open
      title={t('editContact')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      onOk={save}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'contact-save' }}
      mask={{ closable: false }}
    >
      <div data-testid="contact-form">
        <FormError error={formError} />
        <Form<EnterpriseContact> form={form} layout="vertical" initialValues={initial} requiredMark>
          <Form.Item name="address" label={t('fieldAddress')} rules={required}>
            <Input data-testid="contact-address" />
          </Form.Item>
          <Form.Item name="principal" label={t('fieldPrincipal')} rules={required}>
            <Input data-testid="contact-principal" />
          </Form.Item>
          <Form.Item name="safety_contact" label={t('fieldSafetyContact')}>
            <Input data-testid="contact-safety_contact" />
          </Form.Item>
          <Form.Item name="phone" label={t('fieldPhone')}>
            <Input data-testid="contact-phone" />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}

function ServingAgency({ agency }: { agency: AgencySummary }) {
  const { t } = useI18n();
  const nav = useNav();
  return (
    <Flex align="center" gap={12} wrap>
      <Typography.Link data-testid="agency-link" data-id={agency.id} onClick={() => nav.go({ name: 'agency', id: agency.id })}>
        {agency.name}
      </Typography.Link>
      <R1Status agency={agency} />
      <Typography.Text type="secondary">
        {agency.division_name} · {t('colStaffCount')} {agency.staff_count}
      </Typography.Text>
    </Flex>
  );
}
