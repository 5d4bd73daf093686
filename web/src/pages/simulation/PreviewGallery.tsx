import { useState } from 'react';
import { SimpleGrid, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { SimulationResultsPreview } from '#schemas/generated/types.js';
import { MapImage } from './MapImage.js';
import { MapZoomModal } from './MapZoomModal.js';
import { previewAltText } from './results.js';

/** The preview maps as thumbnails; each opens large, zoomable, in a modal. */
export function PreviewGallery({
  simulationId,
  previews,
  period,
}: {
  simulationId: string;
  previews: SimulationResultsPreview[];
  period: { start: string; end: string };
}) {
  const [open, setOpen] = useState<SimulationResultsPreview | undefined>(undefined);
  if (previews.length === 0) return <Text>No preview maps were drawn for this run.</Text>;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {previews.map((preview) => {
          const alt = previewAltText(preview, period);
          return (
            <UnstyledButton key={preview.key} onClick={() => setOpen(preview)}>
              <Stack gap={4}>
                <VisuallyHidden>Open larger:</VisuallyHidden>
                <MapImage simulationId={simulationId} fileKey={preview.key} alt={alt} />
                <Text size="sm">
                  {preview.variable} · {preview.collection}
                </Text>
              </Stack>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
      <MapZoomModal
        simulationId={simulationId}
        fileKey={open?.key}
        alt={open ? previewAltText(open, period) : ''}
        title={open ? `${open.variable} (${open.collection})` : ''}
        onClose={() => setOpen(undefined)}
      />
    </>
  );
}
