/** `gcr site add|list|rm|credential`: the Slurm sites runs may go to (docs/SLURM.md); changes are for admins. */
import { writeFileSync } from 'node:fs';
import type { Site } from '#schemas/generated/types.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { clean, table, type Colors } from '../format.js';

/** `name:maxTimeMinutes:maxCpus:maxMemoryMiB`, e.g. `sapphire:4320:112:900000`. */
function parsePartition(
  text: string,
  all: Array<Record<string, unknown>> = [],
): Array<Record<string, unknown>> {
  const [name, time, cpus, memory, ...rest] = text.split(':');
  if (!name || memory === undefined || rest.length > 0) {
    throw new UsageError(`--partition ${text}: expected name:maxTimeMinutes:maxCpus:maxMemoryMiB`);
  }
  // Numbers stay text when they are not numbers, so the API's 400 names the field.
  const numberOrText = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);
  return [
    ...all,
    {
      name,
      maxTimeMinutes: numberOrText(time!),
      maxCpus: numberOrText(cpus!),
      maxMemoryMiB: numberOrText(memory),
    },
  ];
}

function sitesTable(items: Site[], c: Colors): string {
  return table(
    ['site', 'partitions (time min / cpus / memory MiB)', 'account', 'credentials', 'updated'],
    items.map((site) => [
      clean(site.name),
      site.partitions
        .map((p) => `${clean(p.name)} ${p.maxTimeMinutes}/${p.maxCpus}/${p.maxMemoryMiB}`)
        .join(', '),
      clean(site.account ?? '-'),
      String(site.credentials.length),
      `${site.updatedAt.slice(0, 16)} ${clean(site.updatedBy)}`,
    ]),
    c,
  );
}

export const registerSite: RegisterCommand = (program, ctx) => {
  const site = program.command('site').description('Slurm sites: add, list, remove, agent credentials');

  site
    .command('add <name>')
    .description('define (or redefine) a Slurm site (admins)')
    .requiredOption(
      '--partition <name:time:cpus:memory>',
      'a partition and its limits: max minutes, max CPUs, max MiB (repeat; the first is the default)',
      parsePartition,
    )
    .option('--account <account>', 'the Slurm account jobs are charged to')
    .option('--qos <qos>', 'the Slurm QOS')
    .option('--description <text>', 'who runs it, what it is')
    .option(
      '--max-concurrent-jobs <n>',
      "at most this many members of one ensemble at once (the job array's %N throttle)",
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1)
          throw new UsageError(`--max-concurrent-jobs ${value}: a whole number from 1`);
        return n;
      },
    )
    .action(
      async (
        name: string,
        opts: {
          partition: Array<Record<string, unknown>>;
          account?: string;
          qos?: string;
          description?: string;
          maxConcurrentJobs?: number;
        },
      ) => {
        const client = await ctx.client();
        const saved = await client.putSite({
          name,
          partitions: opts.partition,
          ...(opts.account !== undefined ? { account: opts.account } : {}),
          ...(opts.qos !== undefined ? { qos: opts.qos } : {}),
          ...(opts.description !== undefined ? { description: opts.description } : {}),
          ...(opts.maxConcurrentJobs !== undefined ? { maxConcurrentJobs: opts.maxConcurrentJobs } : {}),
        });
        if (ctx.json) return ctx.outJson(saved);
        ctx.out(sitesTable([saved], ctx.colors));
      },
    );

  site
    .command('list')
    .description('every Slurm site with its partitions and limits')
    .action(async () => {
      const client = await ctx.client();
      const list = await client.listSites();
      if (ctx.json) return ctx.outJson(list);
      ctx.out(list.items.length > 0 ? sitesTable(list.items, ctx.colors) : 'no sites');
    });

  site
    .command('rm <name>')
    .description('remove a site and revoke its credentials (admins)')
    .action(async (name: string) => {
      const client = await ctx.client();
      await client.deleteSite(name);
      if (ctx.json) return ctx.outJson({ removed: name });
      ctx.out(`site ${clean(name)} removed`);
    });

  site
    .command('credential <name>')
    .description("a new secret for the site's agent (admins); shown once")
    .option('--out <file>', 'write the secret to this file (mode 0600) instead of printing it')
    .action(async (name: string, opts: { out?: string }) => {
      const client = await ctx.client();
      const credential = await client.createSiteCredential(name);
      if (opts.out) {
        writeFileSync(opts.out, `${credential.secret}\n`, { mode: 0o600, flag: 'wx' });
        if (ctx.json) return ctx.outJson({ ...credential, secret: undefined, file: opts.out });
        ctx.out(`credential ${credential.credentialId} of site ${clean(name)} written to ${clean(opts.out)}`);
        return;
      }
      if (ctx.json) return ctx.outJson(credential);
      ctx.out(credential.secret);
    });
};
