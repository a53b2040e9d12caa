import { Select } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import type { AgencySummary } from '../bindings/AgencySummary';
import { useSearch } from '../hooks';
import { useI18n } from '../i18n';
import { R1Status } from './R1Status';

/**
 * Picks an agency by searching the register as the user types (the register is too large to
 * list whole). Used inside a Form.Item, which supplies `value` and `onChange`.
 */
export function AgencySelect({ value, onChange }: { value?: string; onChange?: (id: string | undefined) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  // The chosen agency stays labelled even once a new search no longer returns it.
  const [chosen, setChosen] = useState<AgencySummary | null>(null);
  const query = text.trim();
  const search = useSearch(query, () => api.searchAgencies(query));

  const rows = search.results.some((a) => a.id === chosen?.id) || !chosen ? search.results : [chosen, ...search.results];

  return (
    <Select<string>
      data-testid="agency-select"
      value={value}
      allowClear
      placeholder={t('fieldAgencyPlaceholder')}
      loading={search.state === 'loading'}
      showSearch={{ filterOption: false, onSearch: setText }}
      notFoundContent={search.state === 'ready' ? t('noResults') : null}
      onChange={(id) => {
        setChosen(rows.find((a) => a.id === id) ?? null);
        onChange?.(id);
      }}
      options={rows.map((a) => ({
        value: a.id,
        label: a.name,
        extra: a,
      }))}
      optionRender={(o) => {
        const a = o.data.extra as AgencySummary;
        return (
          <span>
            {a.name} <R1Status agency={a} />
          </span>
        );
      }}
    />
  );
}
