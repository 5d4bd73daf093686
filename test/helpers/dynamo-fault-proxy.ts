import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a DynamoDB endpoint (dynalite) that answers chosen
 * operations with a DynamoDB error, exactly as DynamoDB puts it on the wire
 * (HTTP 400, `__type`, `message`), and passes everything else through. The SDK,
 * its retries and the handlers above it run unchanged.
 */
export interface DynamoFaultProxy {
  endpoint: string;
  /** Answer every request of these operations (e.g. `GetItem`) with `errorType` until `heal()`. */
  inject(operations: string[], errorType: string): void;
  heal(): void;
  /** Requests answered with the injected error so far. */
  faultsServed(): number;
  stop(): Promise<void>;
}

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  const upstream = new URL(target);
  let fault: { operations: Set<string>; errorType: string } | undefined;
  let served = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (fault?.operations.has(operation)) {
        served += 1;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: `com.amazonaws.dynamodb.v20120810#${fault.errorType}`,
            message: 'injected by the test: the request rate is too high',
          }),
        );
        return;
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (operations, errorType) => {
      fault = { operations: new Set(operations), errorType };
    },
    heal: () => {
      fault = undefined;
    },
    faultsServed: () => served,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
