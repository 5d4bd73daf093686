import { Box, Group, Stack, Text } from '@mantine/core';
import type { CostReport } from '#schemas/generated/types.js';
import { formatUsd, groupingLabel } from './cost-format.js';

/**
 * The groups as horizontal bars (final dark, accrued light), each under its
 * label. A picture for the eye: the table beside it is the accessible form of
 * the same numbers, so the chart is one labelled image. The labels are text,
 * not SVG, so they keep their size on a phone; each bar is an SVG stretched
 * to the width.
 */
export function CostBarChart({ report }: { report: CostReport }) {
  const largest = Math.max(...report.groups.map((group) => group.totalUsd), 0);
  if (report.groups.length === 0 || largest <= 0) return null;
  const percentOfLargest = (usd: number) => (usd / largest) * 100;
  return (
    <Box
      role="img"
      aria-label={`Bar chart of the month's costs by ${groupingLabel(report.groupBy).toLowerCase()}; the table has the figures`}
      maw={640}
    >
      <Stack gap={6}>
        {report.groups.map((group) => (
          <div key={group.key}>
            <Text size="sm">
              {group.key} · {formatUsd(group.totalUsd)}
            </Text>
            <svg
              width="100%"
              height={14}
              viewBox="0 0 100 14"
              preserveAspectRatio="none"
              style={{ display: 'block' }}
            >
              <rect
                x={0}
                y={0}
                width={percentOfLargest(group.finalUsd)}
                height={14}
                fill="var(--mantine-color-blue-7)"
              />
              <rect
                x={percentOfLargest(group.finalUsd)}
                y={0}
                width={percentOfLargest(group.accruedUsd)}
                height={14}
                fill="var(--mantine-color-blue-3)"
              />
            </svg>
          </div>
        ))}
      </Stack>
      <Group gap="md" mt={6}>
        <Text size="xs">
          <Box component="span" display="inline-block" w={10} h={10} mr={4} bg="blue.7" />
          final (ended runs)
        </Text>
        <Text size="xs">
          <Box component="span" display="inline-block" w={10} h={10} mr={4} bg="blue.3" />
          accrued (running)
        </Text>
      </Group>
    </Box>
  );
}
