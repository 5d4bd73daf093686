export {
  renderMap,
  renderDifferenceMap,
  mapLayout,
  type RenderMapOptions,
  type MapLayout,
} from './render-map.js';
export { renderVariablePreview, type VariablePreviewOptions } from './render-variable.js';
export { colorFor, type ColormapName } from './colormaps.js';
