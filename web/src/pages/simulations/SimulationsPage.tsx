import { useMemo, useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useInterval } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { useSession } from '../../auth/SessionContext.js';
import { BulkCancelModal } from './BulkCancelModal.js';
import {
  apiQueryFromFilters,
  filtersFromSearch,
  searchFromFilters,
  type ListFilters,
} from './list-filters.js';
import { isCancellable, sortSimulations } from './simulation-rows.js';
import { SimulationsFilters } from './SimulationsFilters.js';
import { SimulationsTable } from './SimulationsTable.js';
import { useSimulationsList } from './useSimulationsList.js';

/**
 * The caller's simulations (every owner's for an admin), live: filters and
 * sort in the URL, "Load more" pages, and bulk cancel of active runs.
 */
export function SimulationsPage() {
  const session = useSession();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const apiQuery = useMemo(() => apiQueryFromFilters(filters), [filters]);
  const list = useSimulationsList(apiQuery);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, { open: confirm, close: closeConfirm }] = useDisclosure();
  // Elapsed times tick while the page is open.
  const [nowMs, setNowMs] = useState(() => Date.now());
  useInterval(() => setNowMs(Date.now()), 1000, { autoInvoke: true });

  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const rows = useMemo(() => sortSimulations(items, filters.sort, nowMs), [items, filters.sort, nowMs]);
  const selectedRuns = items.filter((item) => selected.has(item.id) && isCancellable(item.status));
  const [cancelling, setCancelling] = useState(selectedRuns);

  const changeFilters = (next: ListFilters) => {
    setSelected(new Set());
    setSearch(searchFromFilters(next));
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Simulations</Title>
        <Button
          color="red.9"
          variant="outline"
          disabled={selectedRuns.length === 0}
          onClick={() => {
            setCancelling(selectedRuns);
            confirm();
          }}
        >
          Cancel selected ({selectedRuns.length})
        </Button>
      </Group>
      <SimulationsFilters filters={filters} onChange={changeFilters} />
      {list.isPending ? (
        <Group gap="xs">
          <Loader size="sm" aria-label="Loading simulations" />
          <Text>Loading simulations…</Text>
        </Group>
      ) : list.isError && items.length === 0 ? (
        <Alert color="red" title="The simulations could not be loaded" role="alert">
          {list.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <Text>No simulations match these filters.</Text>
      ) : (
        <SimulationsTable
          rows={rows}
          showOwner={session.user?.isAdmin ?? false}
          selected={selected}
          onToggle={toggle}
          nowMs={nowMs}
        />
      )}
      {list.hasNextPage ? (
        <Button
          variant="default"
          w="fit-content"
          loading={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          Load more
        </Button>
      ) : null}
      <BulkCancelModal
        runs={cancelling}
        opened={confirming}
        onClose={closeConfirm}
        onDone={() => {
          setSelected(new Set());
          void list.refetch();
        }}
      />
    </Stack>
  );
}
