import { Badge } from '@mantine/core';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { statusColor, statusLabel } from './status.js';

/** The status in words, coloured (the colour only repeats the words); a live region, so a change is announced. */
export function StatusBadge({ status }: { status: SimulationStatus }) {
  return (
    <Badge color={statusColor(status)} variant="dot" size="lg" role="status">
      {statusLabel(status)}
    </Badge>
  );
}
