import { provideH5wasmLoader, type H5Wasm } from './h5.js';

/**
 * Under `node --import tsx`, every ES module goes through tsx's loader, which
 * rewrites dynamic imports with source maps; for h5wasm's 4 MB WebAssembly
 * module that costs seconds and hundreds of MB. Imported with a tsx namespace
 * of its own, the module is left to Node's loader (tsx only handles its own
 * namespace). Without tsx the query is harmless; any failure falls back to a
 * plain import. Does nothing once h5wasm is loaded. For scripts run under tsx.
 */
export function loadH5wasmPastTsx(): void {
  provideH5wasmLoader(async () => {
    try {
      const url = `${import.meta.resolve('h5wasm/node')}?tsx-namespace=gcr-h5wasm`;
      return ((await import(url)) as { default: H5Wasm }).default;
    } catch {
      return (await import('h5wasm/node')).default;
    }
  });
}
