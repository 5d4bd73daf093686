// s3rver in its own thread, as dynalite is (dynalite-worker.js): its file I/O,
// hashing and XML get their own event loop instead of delaying the gateway's
// answers. Plain JavaScript: worker threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import S3rver from 's3rver';

// `port`: the previous start's, so local jobs that outlived it still reach S3 (local/endpoint-ports.ts); 0 for any.
const { directory, host, port } = workerData;
const server = new S3rver({ address: host, port: port ?? 0, directory, silent: true });
server.run().then(
  (address) => parentPort.postMessage({ port: address.port }),
  (err) => parentPort.postMessage({ error: err.message }),
);
parentPort.on('message', (message) => {
  if (message.close) void server.close().then(() => parentPort.postMessage({ closed: true }));
});
