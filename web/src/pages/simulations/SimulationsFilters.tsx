import type { FocusEvent, KeyboardEvent } from 'react';
import { Group, Select, TextInput } from '@mantine/core';
import { SORTS, STATUSES, type ListFilters, type SortKey } from './list-filters.js';
import { statusLabel } from './simulation-rows.js';

const TEXT_FILTERS = [
  { field: 'tag', label: 'Tag', placeholder: 'project=ozone', description: 'key=value' },
  { field: 'type', label: 'Type', placeholder: 'fullchem', description: 'simulation type' },
] as const;

const DATE_FILTERS = [
  { field: 'from', label: 'Created from' },
  { field: 'to', label: 'Created to' },
] as const;

/** The list's filters and sort; each change goes to the URL (SimulationsPage). */
export function SimulationsFilters({
  filters,
  onChange,
}: {
  filters: ListFilters;
  onChange: (next: ListFilters) => void;
}) {
  const set = (patch: Partial<ListFilters>) => {
    const next = { ...filters, ...patch };
    for (const key of ['status', 'tag', 'type', 'from', 'to'] as const) if (!next[key]) delete next[key];
    onChange(next);
  };
  // Free text goes to the URL (and the API) when the user is done typing: Enter or leaving the field.
  // Each input is keyed by its value in the URL, so back/forward resets what it shows.
  const committedOnEnterOrBlur = (field: 'tag' | 'type') => ({
    defaultValue: filters[field] ?? '',
    onBlur: (event: FocusEvent<HTMLInputElement>) =>
      set({ [field]: event.currentTarget.value.trim() || undefined }),
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === 'Enter') set({ [field]: event.currentTarget.value.trim() || undefined });
    },
  });
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <Select
        label="Status"
        placeholder="Any status"
        clearable
        data={STATUSES.map((status) => ({ value: status, label: statusLabel(status) }))}
        value={filters.status ?? null}
        onChange={(value) => set({ status: (value ?? undefined) as ListFilters['status'] })}
        w={160}
      />
      {TEXT_FILTERS.map(({ field, label, placeholder, description }) => (
        <TextInput
          key={`${field}-${filters[field] ?? ''}`}
          label={label}
          placeholder={placeholder}
          description={description}
          {...committedOnEnterOrBlur(field)}
          w={170}
        />
      ))}
      {DATE_FILTERS.map(({ field, label }) => (
        <TextInput
          key={field}
          type="date"
          label={label}
          description="UTC"
          value={filters[field] ?? ''}
          onChange={(event) => set({ [field]: event.currentTarget.value || undefined })}
          w={160}
        />
      ))}
      <Select
        label="Sort"
        data={Object.entries(SORTS).map(([value, label]) => ({ value, label }))}
        value={filters.sort}
        onChange={(value) => set({ sort: (value ?? 'created-desc') as SortKey })}
        allowDeselect={false}
        w={170}
      />
    </Group>
  );
}
