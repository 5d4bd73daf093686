import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalEventBus } from '../eventbridge/bus.js';

/**
 * The EventBridge API (awsJson1_1) for the operations our code calls, so the
 * production publisher reaches the local bus unchanged through
 * AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
export function eventBridgeEndpoint(bus: LocalEventBus) {
  return async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    if (target !== 'AWSEvents.PutEvents') {
      reply(400, {
        __type: 'UnknownOperationException',
        message: `${target} is not supported by the local platform`,
      });
      return;
    }
    let request: { Entries?: unknown };
    try {
      request = JSON.parse(body) as { Entries?: unknown };
    } catch {
      reply(400, { __type: 'SerializationException', message: 'body is not JSON' });
      return;
    }
    const entries = (Array.isArray(request.Entries) ? request.Entries : []) as Record<string, unknown>[];
    if (entries.length < 1 || entries.length > 10) {
      reply(400, { __type: 'ValidationException', message: 'Entries must have between 1 and 10 items' });
      return;
    }
    const results = await bus.putEvents(
      entries.map((e) => ({
        ...e,
        Time: typeof e['Time'] === 'number' ? new Date(e['Time'] * 1000) : undefined,
      })),
    );
    reply(200, { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results });
  };
}
