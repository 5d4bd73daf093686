import { Box, Progress, Text } from '@mantine/core';
import type { Budget } from '#schemas/generated/types.js';
import { budgetProgress, formatUsd } from './cost-format.js';

/** Spend against the limit: a bar with each threshold marked, and the same in words (not by colour alone). */
export function BudgetProgressBar({ budget, subject }: { budget: Budget; subject: string }) {
  const progress = budgetProgress(budget);
  const color = progress.exhausted ? 'red' : progress.thresholds.some((t) => t.crossed) ? 'orange' : 'blue';
  return (
    <div>
      <Box pos="relative" my={6}>
        <Progress.Root size="lg">
          <Progress.Section
            value={progress.fill}
            color={color}
            aria-label={`${subject}: ${progress.percent} % of the limit spent`}
          />
        </Progress.Root>
        {progress.thresholds.map((threshold) => (
          <Box
            key={threshold.percent}
            aria-hidden
            pos="absolute"
            top={-4}
            bottom={-4}
            w={2}
            bg="var(--mantine-color-text)"
            style={{ left: `calc(${Math.min(threshold.percent, 100)}% - 1px)` }}
          />
        ))}
      </Box>
      <Text size="sm">
        {formatUsd(budget.spentUsd)} of {formatUsd(budget.limitUsd)} spent ({progress.percent} %)
        {progress.exhausted ? ' · limit reached' : ''}
      </Text>
      <Text size="sm">
        Thresholds:{' '}
        {progress.thresholds
          .map((threshold) => `${threshold.percent} %${threshold.crossed ? ' (crossed)' : ''}`)
          .join(', ')}
      </Text>
    </div>
  );
}
