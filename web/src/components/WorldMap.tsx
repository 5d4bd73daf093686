import { useId } from 'react';
import { landRings } from '#shared/science/results/coastlines/land-rings.js';

export interface MapBox {
  id: string;
  label: string;
  /** [west, east], degrees east. */
  lonRange: readonly [number, number];
  /** [south, north], degrees north. */
  latRange: readonly [number, number];
}

interface WorldMapProps {
  title: string;
  boxes: readonly MapBox[];
  selectedId?: string | undefined;
  onSelect?: (id: string) => void;
}

let landPath: string | undefined;

/** Natural Earth land (the preview maps' coastlines) as one SVG path, y = -latitude. */
function landPathData(): string {
  landPath ??= landRings()
    .map((ring) => {
      let d = '';
      let wrapped = false;
      for (let i = 0; i < ring.length; i += 2) {
        const lon = ring[i]!;
        // A ring crossing the antimeridian jumps from 180 to -180: start a new subpath there, not a line across the map.
        const jump = i > 0 && Math.abs(lon - ring[i - 2]!) > 180;
        wrapped ||= jump;
        d += `${i === 0 || jump ? 'M' : 'L'}${lon.toFixed(2)} ${(-ring[i + 1]!).toFixed(2)}`;
      }
      return wrapped ? d : `${d}Z`;
    })
    .join('');
  return landPath;
}

/**
 * An equirectangular world map with boxes on it (the nested domains of a
 * grid). Boxes can be picked with the mouse; the keyboard's path is the list
 * next to the map, and the map names the selected box in its description.
 */
export function WorldMap({ title, boxes, selectedId, onSelect }: WorldMapProps) {
  const titleId = useId();
  const descId = useId();
  const selected = boxes.find((box) => box.id === selectedId);
  return (
    <svg
      viewBox="-180 -90 360 180"
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      style={{ width: '100%', height: 'auto', display: 'block' }}
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>
        {selected
          ? `Selected: ${selected.label}, longitude ${selected.lonRange[0]} to ${selected.lonRange[1]}, latitude ${selected.latRange[0]} to ${selected.latRange[1]}`
          : 'No region selected'}
      </desc>
      <rect x={-180} y={-90} width={360} height={180} fill="var(--mantine-color-blue-light)" />
      <path
        d={landPathData()}
        fill="var(--mantine-color-gray-4)"
        stroke="var(--mantine-color-gray-6)"
        strokeWidth={0.3}
      />
      {boxes.map((box) => {
        const isSelected = box.id === selectedId;
        return (
          <g
            key={box.id}
            data-box={box.id}
            onClick={onSelect ? () => onSelect(box.id) : undefined}
            style={{ cursor: onSelect ? 'pointer' : undefined }}
          >
            <title>{box.label}</title>
            <rect
              x={box.lonRange[0]}
              y={-box.latRange[1]}
              width={box.lonRange[1] - box.lonRange[0]}
              height={box.latRange[1] - box.latRange[0]}
              fill={isSelected ? 'var(--mantine-color-orange-filled)' : 'var(--mantine-color-indigo-filled)'}
              fillOpacity={isSelected ? 0.45 : 0.15}
              stroke={
                isSelected ? 'var(--mantine-color-orange-filled)' : 'var(--mantine-color-indigo-filled)'
              }
              strokeWidth={isSelected ? 1.5 : 0.8}
              strokeDasharray={isSelected ? undefined : '3 2'}
            />
            <text
              x={box.lonRange[0] + 2}
              y={-box.latRange[1] + 8}
              fontSize={7}
              fill="var(--mantine-color-text)"
              fontWeight={isSelected ? 700 : 400}
            >
              {box.id}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
