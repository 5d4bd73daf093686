// dynalite in its own thread: it gets its own event loop (and core) instead of
// competing with the handlers for the platform's, and it ends with the process,
// so a crashed platform never leaves it holding the LevelDB lock.
// Plain JavaScript: worker threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

// `port`: the previous start's (local/endpoint-ports.ts); 0 for any free one.
const { path, host, port } = workerData;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('error', (err) => parentPort.postMessage({ error: err.message }));
server.listen(port ?? 0, host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message.close) server.close(() => parentPort.postMessage({ closed: true }));
});
