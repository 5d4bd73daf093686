import { Accordion, Table, Text, VisuallyHidden } from '@mantine/core';
import type { SimulationResults } from '#schemas/generated/types.js';
import { DownloadButton } from './DownloadButton.js';
import { formatBytes } from './format.js';

type Manifest = NonNullable<SimulationResults['manifest']>;

/** The output files grouped by collection, each with its size and a download; missing outputs said. */
export function ManifestList({ simulationId, manifest }: { simulationId: string; manifest: Manifest }) {
  return (
    <>
      <Text size="sm" mb="xs">
        {manifest.fileCount} files, {formatBytes(manifest.totalBytes)}
        {manifest.complete ? '; every output HISTORY.rc promised is here.' : '.'}
      </Text>
      {manifest.missing.length > 0 ? (
        <Text size="sm" c="red" mb="xs">
          Missing {manifest.missing.length} expected output(s):{' '}
          {manifest.missing.map((m) => `${m.collection} ${m.timeStep}`).join(', ')}
        </Text>
      ) : null}
      <Accordion multiple variant="separated">
        {manifest.collections.map((collection) => (
          <Accordion.Item key={collection.collection} value={collection.collection}>
            <Accordion.Control>
              {collection.collection} · {collection.fileCount} files · {formatBytes(collection.totalBytes)}
            </Accordion.Control>
            <Accordion.Panel>
              <Table.ScrollContainer minWidth={560}>
                <Table aria-label={`Files of ${collection.collection}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">File</Table.Th>
                      <Table.Th scope="col">Time step</Table.Th>
                      <Table.Th scope="col">Size</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Download</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {collection.files.map((file) => (
                      <Table.Tr key={file.key}>
                        <Table.Td style={{ wordBreak: 'break-all' }}>{file.key}</Table.Td>
                        <Table.Td>{file.timeStep ?? '—'}</Table.Td>
                        <Table.Td>{formatBytes(file.size)}</Table.Td>
                        <Table.Td>
                          <DownloadButton simulationId={simulationId} fileKey={file.key} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </>
  );
}
