/** A preview of one variable of a NetCDF file: its surface time mean (or one step), rendered as PNG. */
import { readSurfaceField } from '../surface-field.js';
import { renderMap, type RenderMapOptions } from './render-map.js';

export interface VariablePreviewOptions extends Partial<Omit<RenderMapOptions, 'units'>> {
  /** 'mean' (default) for the time mean, or a time index. */
  time?: number | 'mean';
}

export async function renderVariablePreview(
  ncPath: string,
  variable: string,
  options: VariablePreviewOptions = {},
): Promise<Buffer> {
  const field = await readSurfaceField(ncPath, variable, { time: options.time ?? 'mean' });
  const when =
    field.time.kind === 'mean'
      ? `surface, mean of ${field.time.steps} time step${field.time.steps === 1 ? '' : 's'}`
      : `surface, time index ${field.time.index}`;
  const { time: _time, ...rest } = options;
  return renderMap(field.data, field.grid, {
    ...rest,
    title: options.title ?? `${variable} - ${when}`,
    subtitle: options.subtitle ?? field.longName ?? undefined,
    units: field.units,
  });
}
