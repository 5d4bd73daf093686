import { useState } from 'react';
import { Group, Modal, ScrollArea, Slider, Text } from '@mantine/core';
import { MapImage } from './MapImage.js';

export const ZOOM_MIN = 1;
export const ZOOM_MAX = 4;
const ZOOM_STEP = 0.25;

const clampZoom = (zoom: number) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));

/**
 * One map, large: a zoom slider (arrow keys move it), + and - keys, the
 * scroll wheel, and Escape closes (Mantine's Modal traps focus and restores it).
 */
export function MapZoomModal({
  simulationId,
  fileKey,
  alt,
  title,
  onClose,
}: {
  simulationId: string;
  fileKey: string | undefined;
  alt: string;
  title: string;
  onClose: () => void;
}) {
  const [zoom, setZoom] = useState(1);
  const close = () => {
    setZoom(1);
    onClose();
  };
  return (
    <Modal opened={fileKey !== undefined} onClose={close} title={title} size="xl">
      <Group mb="sm" align="center">
        <Text size="sm" id="map-zoom-label">
          Zoom
        </Text>
        <Slider
          flex={1}
          min={ZOOM_MIN}
          max={ZOOM_MAX}
          step={ZOOM_STEP}
          value={zoom}
          onChange={setZoom}
          label={(value) => `${value}×`}
          thumbProps={{ 'aria-labelledby': 'map-zoom-label', 'aria-valuetext': `${zoom} times` }}
        />
        <Text size="sm" w={40} aria-live="polite">
          {zoom}×
        </Text>
      </Group>
      <ScrollArea
        h="70vh"
        type="auto"
        viewportProps={{
          tabIndex: 0,
          'aria-label': `${alt}, zoomable: + and - keys or the scroll wheel`,
          role: 'region',
          onKeyDown: (event) => {
            if (event.key === '+' || event.key === '=') setZoom((z) => clampZoom(z + ZOOM_STEP));
            if (event.key === '-') setZoom((z) => clampZoom(z - ZOOM_STEP));
          },
          onWheel: (event) => {
            setZoom((z) => clampZoom(z + (event.deltaY < 0 ? ZOOM_STEP : -ZOOM_STEP)));
          },
        }}
      >
        {fileKey ? (
          <div style={{ width: `${zoom * 100}%` }}>
            <MapImage simulationId={simulationId} fileKey={fileKey} alt={alt} style={{ width: '100%' }} />
          </div>
        ) : null}
      </ScrollArea>
    </Modal>
  );
}
