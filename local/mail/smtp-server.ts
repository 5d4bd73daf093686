/**
 * The local platform's mail server: a real SMTP server (the npm smtp-server
 * package) on loopback that keeps every message it accepts under
 * `<data>/mail/`: the message as sent (`<id>.eml`) and a summary
 * (`<id>.json`: from, to, subject, date, size), which `gcr dev mail` lists.
 * Nothing is relayed anywhere.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** Largest message accepted (SMTP SIZE). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface LocalMailServer {
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** The header block's first value of `name` (unfolded), or ''. */
function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? '';
}

export async function startLocalMailServer(dataDir: string, host = '127.0.0.1'): Promise<LocalMailServer> {
  const dir = path.join(dataDir, 'mail');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    banner: 'gcr local mail',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String((sequence += 1)).padStart(4, '0')}`;
        const summary = {
          id,
          receivedAt: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headerOf(text, 'Subject'),
          listUnsubscribe: headerOf(text, 'List-Unsubscribe'),
          size: raw.length,
        };
        // Written whole, then renamed: a reader never sees half a message.
        writeFileSync(path.join(dir, `${id}.eml.tmp`), raw, { mode: 0o600 });
        renameSync(path.join(dir, `${id}.eml.tmp`), path.join(dir, `${id}.eml`));
        writeFileSync(path.join(dir, `${id}.json.tmp`), `${JSON.stringify(summary)}\n`, { mode: 0o600 });
        renameSync(path.join(dir, `${id}.json.tmp`), path.join(dir, `${id}.json`));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
