import { useState } from 'react';
import {
  Alert,
  Code,
  CopyButton,
  Button,
  Group,
  NavLink,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext.js';
import { unwrap } from './api-errors.js';
import { formatBytes } from './format.js';

/** The files a researcher reads first when a run surprises them. */
const FIRST_FILES = ['geoschem_config.yml', 'HISTORY.rc', 'HEMCO_Config.rc'];

function useRunDirectory(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'rundir'],
    queryFn: async () => {
      return unwrap(
        await api.GET('/simulations/{id}/rundir', {
          params: { path: { id } },
        }),
      );
    },
    staleTime: Infinity,
    retry: false,
  });
}

function useRunDirectoryFile(id: string, path: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'rundir', path],
    queryFn: async () => {
      return unwrap(
        await api.GET('/simulations/{id}/rundir/{path}', {
          params: { path: { id, path: path ?? '' } },
        }),
      );
    },
    enabled: path !== undefined,
    staleTime: Infinity,
    retry: false,
  });
}

/** The run directory stored at submission (what the job ran with): its files, and one file's text. */
export function RunDirectoryPanel({ simulationId }: { simulationId: string }) {
  const listing = useRunDirectory(simulationId);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const files = listing.data?.files ?? [];
  const selected = chosen ?? FIRST_FILES.find((name) => files.some((f) => f.path === name)) ?? files[0]?.path;
  const file = useRunDirectoryFile(simulationId, selected);
  if (listing.isPending) return <Text>Loading the run directory…</Text>;
  if (listing.isError)
    return (
      <Alert color="red" role="alert">
        {listing.error.message}
      </Alert>
    );
  if (files.length === 0) return <Text>No run directory is stored for this simulation.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 4 }}>
      <nav aria-label="Run directory files">
        {files.map((entry) => (
          <NavLink
            key={entry.path}
            component="button"
            label={`${entry.path} (${formatBytes(entry.size)})`}
            active={entry.path === selected}
            aria-current={entry.path === selected ? 'true' : undefined}
            onClick={() => setChosen(entry.path)}
          />
        ))}
      </nav>
      <Stack gap="xs" style={{ gridColumn: 'span 3', minWidth: 0 }}>
        <Group justify="space-between">
          <Text fw={600}>{selected}</Text>
          {file.data ? (
            <CopyButton value={file.data.text}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          ) : null}
        </Group>
        {file.isError ? (
          <Alert color="red" role="alert">
            {file.error.message}
          </Alert>
        ) : null}
        {file.data?.truncated ? (
          <Text size="sm">
            The first {formatBytes(listing.data.maxTextBytes)} of {formatBytes(file.data.size)}.
          </Text>
        ) : null}
        <ScrollArea
          h={520}
          type="auto"
          viewportProps={{
            tabIndex: 0,
            role: 'region',
            'aria-label': `Contents of ${selected ?? 'the file'}`,
          }}
        >
          <Code block style={{ whiteSpace: 'pre' }}>
            {file.isPending ? 'Loading…' : (file.data?.text ?? '')}
          </Code>
        </ScrollArea>
      </Stack>
    </SimpleGrid>
  );
}
