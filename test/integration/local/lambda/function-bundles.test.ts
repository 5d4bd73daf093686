import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleFunctionRuntime, bundleServiceFunctions } from '#local/lambda/function-bundles.js';
import { FunctionPool } from '#local/lambda/function-pool.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'gcr-bundles-'));
const cacheDir = path.join(work, 'cache');
const serviceDir = path.join(work, 'service');
const handlerPath = path.join(serviceDir, 'src', 'handlers', 'hello.ts');
const greetingPath = path.join(serviceDir, 'src', 'greeting.ts');
const assetsDir = path.join(work, 'assets');
const pools: FunctionPool[] = [];

// A service shaped like ours: a handler importing a module with a .js specifier, a
// file read relative to import.meta.url at run time, and a plugin that copies it beside src/.
mkdirSync(path.dirname(handlerPath), { recursive: true });
mkdirSync(assetsDir, { recursive: true });
writeFileSync(path.join(assetsDir, 'word.txt'), 'world');
writeFileSync(greetingPath, `export const greeting = (name: string): string => 'hello ' + name;\n`);
writeFileSync(
  handlerPath,
  [
    `import { readFileSync } from 'node:fs';`,
    `import { greeting } from '../greeting.js';`,
    `export const handler = async (event: { fail?: boolean }) => {`,
    `  if (event.fail) throw new Error('asked to fail');`,
    `  return { message: greeting(readFileSync(new URL('../assets/word.txt', import.meta.url), 'utf8')) };`,
    `};`,
  ].join('\n'),
);
writeFileSync(
  path.join(serviceDir, 'plugins.mjs'),
  [
    `import { cpSync } from 'node:fs';`,
    `import path from 'node:path';`,
    `export const copiedFrom = [${JSON.stringify(assetsDir)}];`,
    `export default [{ name: 'assets', setup(build) { build.onEnd(() => {`,
    `  cpSync(${JSON.stringify(assetsDir)}, path.resolve(build.initialOptions.outdir, '..', 'assets'), { recursive: true });`,
    `}); } }];`,
  ].join('\n'),
);

const settings = {
  bundle: true,
  sourcemap: true,
  format: 'esm',
  platform: 'node',
  outputFileExtension: '.mjs',
  plugins: 'plugins.mjs',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
};

function bundle(log: string[] = []): Promise<Map<string, string>> {
  return bundleServiceFunctions(
    { service: 'svc', serviceDir, esbuild: settings, modulePaths: [handlerPath] },
    cacheDir,
    (message) => log.push(message),
  );
}

async function invokeBundle(file: string, event: unknown): Promise<unknown> {
  const pool = new FunctionPool({
    functionName: 'svc-test-hello',
    modulePath: file,
    exportName: 'handler',
    runtimePath: await bundleFunctionRuntime(cacheDir, () => undefined),
    region: 'us-east-1',
    timeoutSeconds: 60,
    memorySizeMb: 256,
    concurrency: 1,
    maxQueued: 1,
    maxWaitMs: 60_000,
    env: { ...(process.env as Record<string, string>) },
  });
  pools.push(pool);
  return pool.invoke(event);
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  rmSync(work, { recursive: true, force: true });
});

describe('functions run from their deploy bundles (local/lambda/function-bundles.ts)', () => {
  it('bundles a handler in the layout serverless-esbuild gives it, plugin copies included, and runs it', async () => {
    const file = (await bundle()).get(handlerPath)!;
    expect(file).toMatch(/src[\\/]handlers[\\/]hello\.mjs$/);
    expect(existsSync(path.join(path.dirname(file), '..', 'assets', 'word.txt'))).toBe(true);
    await expect(invokeBundle(file, {})).resolves.toEqual({ message: 'hello world' });
  });

  it("names the TypeScript source in a bundled handler's error stack (source maps)", async () => {
    const file = (await bundle()).get(handlerPath)!;
    const failure = (await invokeBundle(file, { fail: true }).catch((error: unknown) => error)) as Error;
    expect(failure.message).toBe('asked to fail');
    expect(failure.stack).toMatch(/hello\.ts:\d+/);
  });

  it('reuses the cached bundle while nothing it was built from changed', async () => {
    const first = (await bundle()).get(handlerPath);
    const log: string[] = [];
    expect((await bundle(log)).get(handlerPath)).toBe(first);
    expect(log).toEqual([]);
  });

  it('rebuilds when a module the handler imports changes', async () => {
    const before = (await bundle()).get(handlerPath)!;
    writeFileSync(greetingPath, `export const greeting = (name: string): string => 'hi ' + name;\n`);
    const log: string[] = [];
    const after = (await bundle(log)).get(handlerPath)!;
    expect(after).not.toBe(before);
    expect(log.join('\n')).toMatch(/svc: 1 handlers bundled/);
    expect(readFileSync(after, 'utf8')).toContain('"hi "');
    await expect(invokeBundle(after, {})).resolves.toEqual({ message: 'hi world' });
  });

  it('rebuilds when a file a plugin copies changes', async () => {
    const before = (await bundle()).get(handlerPath)!;
    const word = path.join(assetsDir, 'word.txt');
    writeFileSync(word, 'there!');
    const later = new Date(Date.now() + 5_000);
    utimesSync(word, later, later);
    const after = (await bundle()).get(handlerPath)!;
    expect(after).not.toBe(before);
    await expect(invokeBundle(after, {})).resolves.toEqual({ message: 'hi there!' });
  });
});
