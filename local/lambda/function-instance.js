// The entry of one function instance (a worker thread, as Lambda gives each
// instance its own execution environment). With bundled functions the runtime
// is a bundle too (runtimePath) and no loader is needed; otherwise tsx's
// loader first, because worker threads do not inherit it and the handlers are
// TypeScript. Plain JavaScript for the same reason.
import { workerData } from 'node:worker_threads';

if (workerData.runtimePath) {
  await import(workerData.runtimePath);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./function-runtime.ts');
}
