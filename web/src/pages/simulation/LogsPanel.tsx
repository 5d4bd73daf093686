import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, ScrollArea, Switch, Text } from '@mantine/core';
import { logAsText, useLogLines } from './useLogLines.js';

/** Saves text as a file the browser downloads. */
function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** The job's log, monospace, with Follow (new lines, scrolled to the end), copy and download. */
export function LogsPanel({
  simulationId,
  live,
  followEveryMs = 2000,
}: {
  simulationId: string;
  /** Whether the run can still write (Follow starts on then). */
  live: boolean;
  followEveryMs?: number;
}) {
  const [follow, setFollow] = useState(live);
  const log = useLogLines(simulationId, follow, followEveryMs);
  const viewport = useRef<HTMLDivElement>(null);
  const text = logAsText(log.lines);

  useEffect(() => {
    const element = viewport.current;
    if (follow && element) element.scrollTo({ top: element.scrollHeight });
  }, [follow, log.lines.length]);

  return (
    <>
      <Group justify="space-between" mb="xs">
        <Switch
          label="Follow"
          title="Keep fetching new lines and scroll to the end"
          checked={follow}
          onChange={(event) => setFollow(event.currentTarget.checked)}
        />
        <Group gap="xs">
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button variant="default" size="xs" onClick={copy} disabled={log.lines.length === 0}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
          <Button
            variant="default"
            size="xs"
            disabled={log.lines.length === 0}
            onClick={() => downloadText(`${simulationId}.log`, text)}
          >
            Download
          </Button>
        </Group>
      </Group>
      {log.error ? (
        <Alert color="red" role="alert" mb="xs">
          {log.error}
        </Alert>
      ) : null}
      {log.noneYet ? <Text>The job has not written any log yet.</Text> : null}
      {log.loading ? <Text>Loading the log…</Text> : null}
      <ScrollArea
        h={420}
        viewportRef={viewport}
        type="auto"
        viewportProps={{ tabIndex: 0, role: 'log', 'aria-label': 'Job log' }}
      >
        <Code block style={{ whiteSpace: 'pre', minHeight: 400 }}>
          {log.lines.map((line) => line.message).join('\n')}
        </Code>
      </ScrollArea>
      <Text size="xs" mt="xs">
        {log.lines.length} lines{log.logStreamName ? ` · stream ${log.logStreamName}` : ''}
      </Text>
    </>
  );
}
