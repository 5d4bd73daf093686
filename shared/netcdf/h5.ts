/**
 * The one place that loads h5wasm (HDF5 compiled to WebAssembly). In Node its
 * file system is the host's (NODERAWFS), so paths are ordinary host paths.
 */
import h5wasm from 'h5wasm/node';

export type H5Wasm = typeof h5wasm;
export type H5Module = Awaited<H5Wasm['ready']>;
export type H5File = InstanceType<H5Wasm['File']>;
export type H5Dataset = InstanceType<H5Wasm['Dataset']>;

let loadedModule: H5Module | undefined;

/** h5wasm once its WebAssembly module has loaded (safe to call many times). */
export async function loadH5wasm(): Promise<H5Wasm> {
  loadedModule = await h5wasm.ready;
  return h5wasm;
}

/** The loaded WebAssembly module (its low-level functions), once loadH5wasm has resolved. */
export function h5Module(): H5Module | undefined {
  return loadedModule;
}
