import { useMemo } from 'react';
import { Grid, Stack, Text } from '@mantine/core';
import { choicesFor } from '#shared/science/spec/choices-for-step.js';
import { nestedDomainsFor } from '#shared/science/spec/rundir-rules.js';
import { isCubedSphere } from '#shared/science/spec/gchp-rules.js';
import type { GridResolution } from '#schemas/generated/types.js';
import { WorldMap, type MapBox } from '../../components/WorldMap.js';
import { FieldChoices } from './ChoiceGroup.js';
import { fieldValue } from './wizard-draft.js';
import type { StepProps } from './step-props.js';

/** Step 3: horizontal resolution and domain, the nested domains on a world map. */
export function GridStep(props: StepProps) {
  const { draft, onChoose, now } = props;
  const domains = useMemo(() => choicesFor(draft, 'grid.nestedDomain', { now }), [draft, now]);
  const resolution = fieldValue(draft, 'grid.resolution') as GridResolution | undefined;
  const domain = fieldValue(draft, 'grid.nestedDomain') as string | undefined;
  const boxes: MapBox[] = useMemo(() => {
    if (!resolution || isCubedSphere(resolution)) return [];
    const allowed = new Set(domains.filter((choice) => !choice.disabledReason).map((choice) => choice.value));
    return nestedDomainsFor(resolution)
      .filter((region) => allowed.has(region.code))
      .map((region) => ({
        id: region.code,
        label: `${region.name} (${region.code})`,
        lonRange: region.lonRange,
        latRange: region.latRange,
      }));
  }, [resolution, domains]);
  const selected = boxes.find((box) => box.id === domain);
  return (
    <Stack gap="lg">
      <FieldChoices {...props} field="grid.resolution" label="Horizontal resolution" columns={1} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <FieldChoices
            {...props}
            field="grid.nestedDomain"
            label="Domain"
            description={
              boxes.length > 0 ? 'Global, or a nested region (also selectable on the map)' : undefined
            }
            choices={domains}
            columns={1}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <WorldMap
            title={`Nested domains at ${resolution ?? 'this resolution'}`}
            boxes={boxes}
            selectedId={domain}
            onSelect={(id) => onChoose('grid.nestedDomain', id)}
          />
          <Text size="sm" mt="xs" aria-live="polite">
            {selected
              ? `Selected domain: ${selected.label}, longitude ${selected.lonRange[0]} to ${selected.lonRange[1]}, latitude ${selected.latRange[0]} to ${selected.latRange[1]}`
              : boxes.length > 0
                ? 'Selected domain: global'
                : `No nested domains at ${resolution ?? 'this resolution'}: the run is global`}
          </Text>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
