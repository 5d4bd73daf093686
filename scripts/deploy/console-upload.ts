/**
 * The web console onto its stack (web/serverless.yml), after `osls deploy` of
 * it: every file of web/dist to the bucket with its Content-Type and
 * Cache-Control (the same rules as the local console server:
 * local/console/console-server.ts), and config.json written from the stacks'
 * outputs. index.html and config.json last, so a browser that loads the new
 * index.html finds its assets already there. Both are no-cache (the
 * distribution's cache policy has MinTTL 0): no invalidation is needed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  consoleCacheControl,
  consoleContentType,
  type ConsoleRuntimeConfig,
} from '#local/console/console-server.js';

/** Files of a directory, as paths relative to it with `/` separators. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, relative)));
    else files.push(relative);
  }
  return files;
}

/** Entry points last: the assets they name are in place before a browser can load them. */
const ENTRY_POINTS = ['index.html', 'config.json'];

/**
 * The console's config.json from the infrastructure stack's outputs: the
 * API's URL, Cognito's issuer, the web client, and the hosted UI's /logout.
 */
export function consoleConfigFromOutputs(
  outputs: Record<string, string>,
  stage: string,
): ConsoleRuntimeConfig {
  const required = ['ApiUrl', 'UserPoolIssuerUrl', 'WebClientId', 'UserPoolDomain'];
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`the infrastructure stack has no ${missing.join(', ')} output`);
  return {
    apiUrl: outputs['ApiUrl']!,
    auth: {
      authority: outputs['UserPoolIssuerUrl']!,
      clientId: outputs['WebClientId']!,
      scopes: ['openid', 'email', 'profile'],
      logoutUrl: `${outputs['UserPoolDomain']!.replace(/\/+$/, '')}/logout`,
    },
    stage,
  };
}

export async function uploadConsole(
  s3: S3Client,
  options: { bucket: string; distDir: string; config: ConsoleRuntimeConfig },
): Promise<number> {
  const files = (await filesUnder(options.distDir)).filter((file) => file !== 'config.json');
  const ordered = [
    ...files.filter((file) => !ENTRY_POINTS.includes(file)),
    ...files.filter((file) => ENTRY_POINTS.includes(file)),
  ];
  const put = (key: string, body: Buffer | string) =>
    s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: key,
        Body: body,
        ContentType: consoleContentType(key),
        CacheControl: consoleCacheControl(`/${key}`),
      }),
    );
  for (const file of ordered) await put(file, await fs.readFile(path.join(options.distDir, file)));
  await put('config.json', `${JSON.stringify(options.config, null, 2)}\n`);
  return ordered.length + 1;
}

/** Deletes every object of the console's bucket (CloudFormation deletes only an empty bucket). */
export async function emptyConsoleBucket(s3: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    }
    token = page.NextContinuationToken;
  } while (token);
}
