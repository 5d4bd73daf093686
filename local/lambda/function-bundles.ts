/**
 * The local platform runs each function from the bundle its service deploys:
 * esbuild with the service's own `custom.esbuild` settings (serverless-esbuild's
 * options: bundle, format, platform, banner, source maps, plugins), the same
 * layout (`src/handlers/<name>.mjs`, with what the plugins copy next to it).
 * So a handler that would break once bundled (a file read relative to
 * import.meta.url, a package that does not bundle) breaks locally too. And a
 * cold start loads one file instead of hundreds of TypeScript modules through
 * tsx's loader: about 0.1 s of CPU instead of 1.3 s, which matters with 34
 * functions on 2 cores.
 *
 * Bundles are kept in a cache shared by every data directory
 * (`node_modules/.cache/gcr-functions` unless GCR_LOCAL_FUNCTION_CACHE says
 * otherwise), and rebuilt when a source file esbuild read, the settings, a
 * plugin or a file a plugin copies changes. Two platforms starting at once
 * may both build; each build has its own directory and the last one written
 * becomes current, so neither sees a half-written bundle.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** What one service's functions need bundling. */
export interface ServiceBundleRequest {
  service: string;
  serviceDir: string;
  /** The service's `custom.esbuild` block, variables resolved. */
  esbuild: Record<string, unknown>;
  /** Absolute paths of the handler modules (TypeScript sources). */
  modulePaths: string[];
}

interface BuildRecord {
  key: string;
  dir: string;
  /** Every file the build depends on: [mtimeMs, size]. */
  inputs: Record<string, [number, number]>;
  /** Handler module -> its bundle, relative to `dir`. */
  bundles: Record<string, string>;
}

/** Builds older than this that are not current are removed (a platform still running keeps what it loaded). */
const STALE_BUILD_MS = 24 * 3600 * 1000;

export function defaultFunctionCacheDir(root: string): string {
  return (
    process.env['GCR_LOCAL_FUNCTION_CACHE'] ?? path.join(root, 'node_modules', '.cache', 'gcr-functions')
  );
}

function fingerprint(file: string): [number, number] | undefined {
  try {
    const stat = statSync(file);
    return [stat.mtimeMs, stat.size];
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The plugins a service names (`custom.esbuild.plugins`: a module exporting a list), and the files they copy. */
async function loadPlugins(
  serviceDir: string,
  setting: unknown,
): Promise<{ plugins: esbuild.Plugin[]; files: string[] }> {
  if (typeof setting !== 'string') return { plugins: [], files: [] };
  const file = path.resolve(serviceDir, setting);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown; copiedFrom?: unknown };
  const plugins = Array.isArray(module.default) ? (module.default as esbuild.Plugin[]) : [];
  const copied = Array.isArray(module.copiedFrom) ? (module.copiedFrom as string[]) : [];
  return { plugins, files: [file, ...copied.flatMap((dir) => filesUnder(dir))] };
}

/** esbuild options from serverless-esbuild's settings; the target is this Node, which runs the bundles. */
function buildOptions(settings: Record<string, unknown>): esbuild.BuildOptions {
  const extension =
    typeof settings['outputFileExtension'] === 'string' ? settings['outputFileExtension'] : '.js';
  const banner = settings['banner'] as Record<string, string> | undefined;
  const external = settings['external'] as string[] | undefined;
  return {
    bundle: settings['bundle'] !== false,
    minify: settings['minify'] === true,
    sourcemap: settings['sourcemap'] === true ? 'linked' : false,
    format: (settings['format'] as esbuild.Format | undefined) ?? 'cjs',
    platform: (settings['platform'] as esbuild.Platform | undefined) ?? 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    outExtension: { '.js': extension },
    ...(banner ? { banner } : {}),
    ...(external ? { external } : {}),
    logLevel: 'silent',
    metafile: true,
  };
}

function cacheKey(request: ServiceBundleRequest, pluginFiles: string[]): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({ esbuild: request.esbuild, version: esbuild.version, node: process.versions.node }),
  );
  for (const modulePath of [...request.modulePaths].sort()) hash.update(`\0${modulePath}`);
  for (const file of pluginFiles) hash.update(`\0${file}:${JSON.stringify(fingerprint(file))}`);
  return hash.digest('hex');
}

function readCurrent(serviceCache: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(serviceCache, 'current.json'), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

function isFresh(record: BuildRecord | undefined, key: string, request: ServiceBundleRequest): boolean {
  if (!record || record.key !== key) return false;
  if (!request.modulePaths.every((modulePath) => record.bundles[modulePath] !== undefined)) return false;
  if (!Object.values(record.bundles).every((bundle) => existsSync(path.join(record.dir, bundle))))
    return false;
  return Object.entries(record.inputs).every(([file, expected]) => {
    const actual = fingerprint(file);
    return actual !== undefined && actual[0] === expected[0] && actual[1] === expected[1];
  });
}

function removeStaleBuilds(serviceCache: string, currentDir: string): void {
  for (const entry of readdirSync(serviceCache, { withFileTypes: true })) {
    const dir = path.join(serviceCache, entry.name);
    if (!entry.isDirectory() || dir === currentDir || !entry.name.startsWith('b-')) continue;
    const age = Date.now() - statSync(dir).mtimeMs;
    if (age > STALE_BUILD_MS) rmSync(dir, { recursive: true, force: true });
  }
}

async function build(
  request: ServiceBundleRequest,
  serviceCache: string,
  key: string,
  plugins: esbuild.Plugin[],
  pluginFiles: string[],
): Promise<BuildRecord> {
  const dir = path.join(
    serviceCache,
    `b-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  const options = buildOptions(request.esbuild);
  const inputs: BuildRecord['inputs'] = {};
  const bundles: BuildRecord['bundles'] = {};
  // serverless-esbuild builds each handler folder into the same relative folder: keep that layout, which
  // is what a plugin's copies (e.g. GEOS-Chem's templates beside src/) and import.meta.url rely on.
  const byFolder = new Map<string, string[]>();
  for (const modulePath of request.modulePaths) {
    const folder = path.relative(request.serviceDir, path.dirname(modulePath));
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), modulePath]);
  }
  for (const [folder, entryPoints] of byFolder) {
    const outdir = path.join(dir, folder);
    const result = await esbuild.build({
      ...options,
      entryPoints,
      outdir,
      plugins,
      absWorkingDir: request.serviceDir,
    });
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      const file = path.resolve(request.serviceDir, input);
      const print = fingerprint(file);
      if (print) inputs[file] = print;
    }
    const extension = options.outExtension?.['.js'] ?? '.js';
    for (const modulePath of entryPoints) {
      bundles[modulePath] = path.join(
        folder,
        `${path.basename(modulePath, path.extname(modulePath))}${extension}`,
      );
    }
  }
  for (const file of pluginFiles) {
    const print = fingerprint(file);
    if (print) inputs[file] = print;
  }
  const record: BuildRecord = { key, dir, inputs, bundles };
  const temporary = path.join(
    serviceCache,
    `current.json.${process.pid}.${Math.random().toString(36).slice(2)}`,
  );
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, path.join(serviceCache, 'current.json'));
  return record;
}

/**
 * The bundle of each handler module of one service: from the cache when
 * nothing it was built from changed, else built now. Answers handler module
 * -> absolute path of its bundle.
 */
export async function bundleServiceFunctions(
  request: ServiceBundleRequest,
  cacheDir: string,
  log: (message: string) => void,
): Promise<Map<string, string>> {
  // Per checkout too: worktrees sharing one node_modules don't take turns rebuilding each other's bundles.
  const checkout = createHash('sha256').update(request.serviceDir).digest('hex').slice(0, 8);
  const serviceCache = path.join(cacheDir, `${request.service}-${checkout}`);
  mkdirSync(serviceCache, { recursive: true });
  const { plugins, files: pluginFiles } = await loadPlugins(request.serviceDir, request.esbuild['plugins']);
  const key = cacheKey(request, pluginFiles);
  let record = readCurrent(serviceCache);
  if (!isFresh(record, key, request)) {
    const started = Date.now();
    record = await build(request, serviceCache, key, plugins, pluginFiles);
    log(`${request.service}: ${request.modulePaths.length} handlers bundled in ${Date.now() - started} ms`);
  }
  removeStaleBuilds(serviceCache, record!.dir);
  const built = record!;
  return new Map(
    request.modulePaths.map((modulePath) => [modulePath, path.join(built.dir, built.bundles[modulePath]!)]),
  );
}

/** The settings the function runtime is bundled with: those of the services' bundles. */
const RUNTIME_BUNDLE_SETTINGS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  sourcemap: true,
  outputFileExtension: '.mjs',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
};

/**
 * The function runtime (function-runtime.ts) as a bundle, so that an instance
 * running a bundled handler needs no TypeScript loader at all.
 */
export async function bundleFunctionRuntime(
  cacheDir: string,
  log: (message: string) => void,
): Promise<string> {
  const runtime = fileURLToPath(new URL('./function-runtime.ts', import.meta.url));
  const bundles = await bundleServiceFunctions(
    {
      service: 'local-function-runtime',
      serviceDir: path.dirname(runtime),
      esbuild: RUNTIME_BUNDLE_SETTINGS,
      modulePaths: [runtime],
    },
    cacheDir,
    log,
  );
  return bundles.get(runtime)!;
}
