/** The local platform's SQS API over some local queues, on a real HTTP server, with an SDK client for it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsEndpoint } from '#local/aws/sqs-endpoint.js';
import type { LocalQueue } from '#local/queue/local-queue.js';
import { LocalSqsService } from '#local/queue/sqs-service.js';

export interface LocalSqsEndpoint {
  endpoint: string;
  service: LocalSqsService;
  client: SQSClient;
  /** Closes the client, the service and the server (not the queues). */
  close(): Promise<void>;
}

/** `createdQueuesDir`: where CreateQueue keeps the queues it makes (without it, CreateQueue is refused). */
export async function startLocalSqsEndpoint(
  queues: LocalQueue[],
  createdQueuesDir?: string,
): Promise<LocalSqsEndpoint> {
  // The endpoint needs the service, which needs the server's port: bound once it listens.
  const bound: { handle?: ReturnType<typeof sqsEndpoint> } = {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void bound.handle!(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const service = new LocalSqsService({
    accountId: '000000000000',
    endpointUrl: endpoint,
    ...(createdQueuesDir ? { dir: createdQueuesDir } : {}),
  });
  for (const q of queues) service.register(q);
  bound.handle = sqsEndpoint(service);
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  return {
    endpoint,
    service,
    client,
    close: async () => {
      client.destroy();
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
