import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChaosConfigError, parseChaosPoints } from '#shared/kernel/aws/chaos.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

describe('GCR_CHAOS_POINTS: the fault-injection hook of the chaos suite', () => {
  it('reads named points and <service>.<Command>:<before|after> points with their probabilities', () => {
    expect(parseChaosPoints('submit-job=0.3, results=1,s3.GetObject:before=0')).toEqual([
      { name: 'submit-job', probability: 0.3, service: 'batch', command: 'SubmitJob', when: 'after' },
      {
        name: 'results',
        probability: 1,
        service: 's3',
        command: 'PutObject',
        when: 'after',
        keyContains: '/results/',
      },
      { name: 's3.GetObject:before', probability: 0, service: 's3', command: 'GetObject', when: 'before' },
    ]);
  });

  it('refuses what it does not understand, so a run never goes without the faults it asked for', () => {
    for (const bad of ['submit-job', 'transition=2', 'nowhere=0.1', 'sqs.SendMessage:after=0.1']) {
      expect(() => parseChaosPoints(bad)).toThrow(ChaosConfigError);
    }
  });

  it('kills the process with SIGKILL right after the named call answered, and logs the point first', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcr-chaos-hook-'));
    const log = path.join(dir, 'chaos.log');
    // A real SDK client from the platform's factory, against an endpoint that answers PutEvents.
    const script = `
      import { createServer } from 'node:http';
      import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
      import { eventBridgeClient } from '#shared/kernel/aws/clients.js';
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => { res.setHeader('content-type', 'application/x-amz-json-1.1'); res.end('{"FailedEntryCount":0,"Entries":[{"EventId":"1"}]}'); });
      }).listen(0, '127.0.0.1', async () => {
        process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = 'http://127.0.0.1:' + server.address().port;
        await eventBridgeClient().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
        console.log('still alive');
        process.exit(0);
      });`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        GCR_CHAOS_POINTS: 'publish=1',
        GCR_CHAOS_LOG: log,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).not.toContain('still alive');
    expect(JSON.parse(readFileSync(log, 'utf8'))).toMatchObject({
      point: 'publish',
      call: 'eventbridge.PutEvents',
    });
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
