/**
 * The one place that loads h5wasm (HDF5 compiled to WebAssembly). In Node its
 * file system is the host's (NODERAWFS), so paths are ordinary host paths.
 *
 * h5wasm is loaded lazily, on the first loadH5wasm() call. A process may hand
 * in its own loader first (provideH5wasmLoader): the demo model does, to load
 * h5wasm's 4 MB module past tsx's source transform (see containers/demo-model/src/main.ts).
 */
import type h5wasmDefault from 'h5wasm/node';

export type H5Wasm = typeof h5wasmDefault;
export type H5Module = Awaited<H5Wasm['ready']>;
export type H5File = InstanceType<H5Wasm['File']>;
export type H5Dataset = InstanceType<H5Wasm['Dataset']>;

let instance: Promise<H5Wasm> | undefined;
let loadedModule: H5Module | undefined;

/**
 * Sets how h5wasm is loaded, before anything has loaded it. Returns false (and
 * changes nothing) when h5wasm is already loaded or loading.
 */
export function provideH5wasmLoader(loader: () => Promise<H5Wasm>): boolean {
  if (instance) return false;
  instance = loader();
  return true;
}

/** h5wasm once its WebAssembly module has loaded (safe to call many times). */
export async function loadH5wasm(): Promise<H5Wasm> {
  instance ??= import('h5wasm/node').then((m) => m.default);
  const h5 = await instance;
  loadedModule = await h5.ready;
  return h5;
}

/** The loaded WebAssembly module (its low-level functions), once loadH5wasm has resolved. */
export function h5Module(): H5Module | undefined {
  return loadedModule;
}
