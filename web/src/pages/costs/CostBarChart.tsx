import { Box, Group, Text } from '@mantine/core';
import type { CostReport } from '#schemas/generated/types.js';
import { formatUsd, groupingLabel } from './cost-format.js';

const ROW_HEIGHT = 40;
const WIDTH = 600;

/**
 * The groups as horizontal bars (final solid, accrued hatched lighter). A
 * picture for the eye; the table beside it is the accessible form of the same
 * numbers, so the SVG is one labelled image.
 */
export function CostBarChart({ report }: { report: CostReport }) {
  const largest = Math.max(...report.groups.map((group) => group.totalUsd), 0);
  if (report.groups.length === 0 || largest <= 0) return null;
  const scale = (usd: number) => (usd / largest) * WIDTH;
  const height = report.groups.length * ROW_HEIGHT;
  return (
    <Box>
      <svg
        role="img"
        aria-label={`Bar chart of the month's costs by ${groupingLabel(report.groupBy).toLowerCase()}; the table has the figures`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        style={{ maxWidth: WIDTH, display: 'block' }}
      >
        {report.groups.map((group, row) => {
          const y = row * ROW_HEIGHT;
          const finalWidth = scale(group.finalUsd);
          return (
            <g key={group.key}>
              <text x={0} y={y + 13} fontSize={13} fill="currentColor">
                {group.key} · {formatUsd(group.totalUsd)}
              </text>
              <rect x={0} y={y + 18} width={finalWidth} height={14} fill="var(--mantine-color-blue-6)" />
              <rect
                x={finalWidth}
                y={y + 18}
                width={scale(group.accruedUsd)}
                height={14}
                fill="var(--mantine-color-blue-3)"
              />
            </g>
          );
        })}
      </svg>
      <Group gap="md" mt={4} aria-hidden>
        <Text size="xs">
          <Box component="span" display="inline-block" w={10} h={10} mr={4} bg="blue.6" />
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
