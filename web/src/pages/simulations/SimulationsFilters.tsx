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
        defaultValue={filters.tag ?? ''}
        key={`tag-${filters.tag ?? ''}`}
        onBlur={(event) => set({ tag: event.currentTarget.value.trim() || undefined })}
        onKeyDown={(event) => {
          if (event.key === 'Enter') set({ tag: event.currentTarget.value.trim() || undefined });
        }}
        w={180}
      />
      <TextInput
        label="Type"
        placeholder="fullchem"
        description="simulation type"
        defaultValue={filters.type ?? ''}
        key={`type-${filters.type ?? ''}`}
        onBlur={(event) => set({ type: event.currentTarget.value.trim() || undefined })}
        onKeyDown={(event) => {
          if (event.key === 'Enter') set({ type: event.currentTarget.value.trim() || undefined });
        }}
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
