/**
 * The production publisher against the local PutEvents endpoint, which holds
 * EventBridge's limit of 10 entries per call: the publisher's batching proven
 * through a real endpoint, not only through SDK mocks
 * (test/unit/shared/kernel/events/publisher.test.ts). The same against moto:
 * test/integration/shared/kernel/data-plane-on-moto.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeEndpoint } from '#local/aws/eventbridge-endpoint.js';
import { LocalEventBus, type BusEvent } from '#local/eventbridge/bus.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';

const BUS = 'gcr-test';
let server: http.Server;
let client: EventBridgeClient;
let dataDir: string;
const delivered: BusEvent[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gcr-eventbridge-'));
  const bus = new LocalEventBus({ dataDir, region: 'us-east-1', accountId: '000000000000', buses: [BUS] });
  bus.addRule({
    name: 'all-submissions',
    busName: BUS,
    pattern: { source: ['gcr.submission'] },
    deliver: async (event) => {
      delivered.push(event);
    },
  });
  const handle = eventBridgeEndpoint(bus);
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => void handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('EventBridge batching proven through the local endpoint, not only through SDK mocks', () => {
  it('refuses 11 entries in one PutEvents call, as EventBridge does', async () => {
    const entries = Array.from({ length: 11 }, (_, n) => ({
      EventBusName: BUS,
      Source: 'gcr.submission',
      DetailType: 'Simulation Submitted',
      Detail: JSON.stringify({ n }),
    }));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('publishes 25 events through it in calls it accepts, every one delivered in order', async () => {
    delivered.length = 0;
    const publisher = createEventBridgePublisher({ client, eventBusName: BUS });
    await publisher.publish(
      Array.from({ length: 25 }, (_, n) => ({
        source: 'gcr.submission',
        detailType: 'Simulation Submitted',
        detail: { n },
      })),
    );
    expect(delivered.map((event) => event.detail['n'])).toEqual(Array.from({ length: 25 }, (_, n) => n));
  });
});
