import { Text, Timeline } from '@mantine/core';
import type { StatusHistoryEntry } from '#schemas/generated/types.js';
import { formatInstant } from './format.js';
import { isSpotReclaim, statusColor, statusLabel } from './status.js';

/** Every recorded transition, oldest first: when, to what, and the reason as recorded. */
export function StatusTimeline({ history }: { history: StatusHistoryEntry[] }) {
  return (
    <Timeline active={history.length - 1} bulletSize={18} lineWidth={2} aria-label="Status history">
      {history.map((entry, index) => (
        <Timeline.Item
          key={`${entry.at}-${index}`}
          color={statusColor(entry.to)}
          title={
            <Text fw={600} size="sm">
              {statusLabel(entry.to)}
              {entry.to === 'RETRYING' && isSpotReclaim(entry.reason) ? ' (spot reclaim)' : ''}
            </Text>
          }
        >
          <Text size="xs">
            <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
          </Text>
          <Text size="sm">{entry.reason}</Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
