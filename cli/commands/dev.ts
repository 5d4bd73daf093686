/**
 * `gcr dev mail`: the local platform's mailbox. Its SMTP server keeps every
 * message the notifier sends under `<data>/mail/` (local/mail/smtp-server.ts);
 * this lists them, newest last, or prints one (`--show <id>`, `latest` for the
 * newest). Reads the data directory only: it works with the platform stopped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RegisterCommand } from '../context.js';
import { InputError } from '../errors.js';
import { clean, table } from '../format.js';

interface MailSummary {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  listUnsubscribe?: string;
  size: number;
}

function readMailbox(dir: string): MailSummary[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as MailSummary];
      } catch {
        return [];
      }
    });
}

export const registerDev: RegisterCommand = (program, ctx) => {
  const dev = program.command('dev').description('the local platform, for developers');
  dev
    .command('mail')
    .description("the local platform's mailbox: emails the notifier sent (kept under <data>/mail)")
    .option('--show <id>', 'print one message as sent (its id, or "latest")')
    .action((opts: { show?: string }) => {
      const dir = path.join(ctx.dataDir(), 'mail');
      const messages = readMailbox(dir);
      if (opts.show !== undefined) {
        const wanted = opts.show === 'latest' ? messages.at(-1) : messages.find((m) => m.id === opts.show);
        if (!wanted) throw new InputError(`no message ${opts.show} in ${dir}`);
        ctx.out(readFileSync(path.join(dir, `${wanted.id}.eml`), 'utf8'));
        return;
      }
      if (ctx.json) return ctx.outJson({ messages });
      if (messages.length === 0) {
        ctx.out(`no messages in ${dir}`);
        return;
      }
      ctx.out(
        table(
          ['ID', 'TO', 'SUBJECT'],
          messages.map((m) => [clean(m.id), clean(m.to.join(', ')), clean(m.subject)]),
          ctx.colors,
        ),
      );
    });
};
