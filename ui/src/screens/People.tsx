import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { SearchInput } from '../components/SearchInput';
import { PeopleTable } from '../components/PeopleTable';
import { useSearch } from '../hooks';
import { useI18n } from '../i18n';
import { NewPersonModal } from './NewPersonModal';
import { CertificateModal } from '../components/CertificateModal';
import { PersonDrawer } from '../components/PersonDrawer';
import type { PersonSummary } from '../bindings/PersonSummary';
import { useSession } from '../session';

/** The register of people working for agencies, with their certificates. */
export function People({
  text,
  onTextChange,
  onRegisterChanged,
}: {
  text: string;
  onTextChange: (text: string) => void;
  onRegisterChanged: () => void;
}) {
  const { t } = useI18n();
  const { may } = useSession();
  const [adding, setAdding] = useState(false);
  const [certifying, setCertifying] = useState<PersonSummary | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const query = text.trim();
  const search = useSearch(query, () => api.searchPeople(query));

  return (
    <div data-testid="people">
      <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
        <SearchInput
          testId="people-search"
          placeholder={t('peopleSearchPlaceholder')}
          value={text}
          onChange={onTextChange}
          width={340}
        />
        <div style={{ flex: 1 }} />
        {may('edit_registers') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-person">
            {t('addPerson')}
          </Button>
        )}
      </Flex>

      {search.error && (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={search.error} onRetry={search.reload} />
        </div>
      )}

      <div data-testid="people-table" data-state={search.state} data-count={search.results.length}>
        <PeopleTable
          people={search.results}
          loading={!search.loadedOnce}
          onAddCertificate={may('edit_registers') ? setCertifying : undefined}
          onOpen={(p) => setOpened(p.id)}
        />
        {search.loadedOnce && (
          <Typography.Text type="secondary">{t('resultCount', { n: search.results.length })}</Typography.Text>
        )}
      </div>

      {opened && (
        <PersonDrawer
          personId={opened}
          onClose={() => setOpened(null)}
          onChanged={() => {
            search.reload();
            onRegisterChanged();
          }}
        />
      )}

      {certifying && (
        <CertificateModal
          person={certifying}
          onClose={() => setCertifying(null)}
          onSaved={() => {
            setCertifying(null);
            search.reload();
            onRegisterChanged();
          }}
        />
      )}

      <NewPersonModal
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(p) => {
          setAdding(false);
          // Show the new person: searching for the name puts them in the list.
          onTextChange(p.name);
          search.reload();
          onRegisterChanged();
        }}
      />
    </div>
  );
}
