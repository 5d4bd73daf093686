import type { FocusEvent, KeyboardEvent } from 'react';
import { Group, Select, TextInput } from '@mantine/core';
import { SORTS, STATUSES, type ListFilters, type SortKey } from './list-filters.js';
import { statusLabel } from './simulation-rows.js';

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
      <TextInput
        label="Tag"
        placeholder="project=ozone"
        description="key=value"
        key={`tag-${filters.tag ?? ''}`}
        {...committedOnEnterOrBlur('tag')}
        w={180}
      />
      <TextInput
        label="Type"
        placeholder="fullchem"
        description="simulation type"
        key={`type-${filters.type ?? ''}`}
        {...committedOnEnterOrBlur('type')}
        w={160}
      />
      <TextInput
        type="date"
        label="Created from"
        description="UTC"
        value={filters.from ?? ''}
        onChange={(event) => set({ from: event.currentTarget.value || undefined })}
        w={160}
      />
      <TextInput
        type="date"
        label="Created to"
        description="UTC"
        value={filters.to ?? ''}
        onChange={(event) => set({ to: event.currentTarget.value || undefined })}
        w={160}
      />
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
