import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  consoleConfigFromOutputs,
  emptyConsoleBucket,
  uploadConsole,
} from '#scripts/deploy/console-upload.js';

const config = consoleConfigFromOutputs(
  {
    ApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    UserPoolIssuerUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
    WebClientId: 'webclient123',
    UserPoolDomain: 'https://gcr-dev-1.auth.us-east-1.amazoncognito.com/',
  },
  'dev',
);

describe("the console's upload", () => {
  it('puts each file with its Content-Type and Cache-Control, entry points last, and config.json from the outputs', async () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'gcr-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(dist, 'assets', 'index-abc.js'), 'x');
    writeFileSync(path.join(dist, 'assets', 'index-abc.css'), 'y');
    writeFileSync(path.join(dist, 'config.json'), '{"left over from a local build": true}');
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const written = await uploadConsole(new S3Client({ region: 'us-east-1' }), {
      bucket: 'console-bucket',
      distDir: dist,
      config,
    });
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(written).toBe(4);
    expect(puts.map(({ Key, ContentType, CacheControl }) => ({ Key, ContentType, CacheControl }))).toEqual([
      {
        Key: 'assets/index-abc.css',
        ContentType: 'text/css; charset=utf-8',
        CacheControl: 'public, max-age=31536000, immutable',
      },
      {
        Key: 'assets/index-abc.js',
        ContentType: 'text/javascript; charset=utf-8',
        CacheControl: 'public, max-age=31536000, immutable',
      },
      { Key: 'index.html', ContentType: 'text/html; charset=utf-8', CacheControl: 'no-cache' },
      { Key: 'config.json', ContentType: 'application/json; charset=utf-8', CacheControl: 'no-cache' },
    ]);
    expect(puts.every((put) => put.Bucket === 'console-bucket')).toBe(true);
    expect(JSON.parse(String(puts.at(-1)!.Body))).toEqual({
      apiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      auth: {
        authority: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
        clientId: 'webclient123',
        scopes: ['openid', 'email', 'profile'],
        logoutUrl: 'https://gcr-dev-1.auth.us-east-1.amazoncognito.com/logout',
      },
      stage: 'dev',
    });
    s3.restore();
  });

  it('names the outputs it needs when the infrastructure stack lacks them', () => {
    expect(() => consoleConfigFromOutputs({ ApiUrl: 'https://x' }, 'dev')).toThrow(
      'no UserPoolIssuerUrl, WebClientId, UserPoolDomain output',
    );
  });

  it('empties the bucket page by page', async () => {
    const s3 = mockClient(S3Client);
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'a' }], NextContinuationToken: 't' })
      .resolvesOnce({ Contents: [{ Key: 'b' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    await emptyConsoleBucket(new S3Client({ region: 'us-east-1' }), 'console-bucket');
    expect(s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects)).toEqual([
      [{ Key: 'a' }],
      [{ Key: 'b' }],
    ]);
    s3.restore();
  });
});
