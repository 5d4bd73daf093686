/**
 * `gcr compare <ref> <dev>`: two runs' results side by side, as GEOS-Chem
 * benchmark tables show them (ref, dev, dev - ref, %), most different first,
 * with the keys of the dev - ref maps.
 */
import type { RegisterCommand } from '../context.js';
import { clean, keyValues, table } from '../format.js';
import { positiveInteger } from '../options.js';
import { formatNumber } from './results.js';

function percent(value: number | null): string {
  if (value === null) return '-';
  const text = `${value >= 0 ? '+' : ''}${Math.abs(value) >= 1000 ? value.toExponential(2) : value.toFixed(2)}%`;
  return text;
}

export const registerCompare: RegisterCommand = (program, ctx) => {
  program
    .command('compare')
    .description('compare two runs on the same grid: metrics of each, dev - ref and %, and difference maps')
    .argument('<ref>', 'reference simulation id')
    .argument('<dev>', 'development simulation id')
    .option('--top <n>', 'rows shown (default 25; --json has all)', positiveInteger('--top'), 25)
    .option('--refresh', 'recompute even if a stored comparison exists')
    .action(async (ref: string, dev: string, options: { top: number; refresh?: boolean }) => {
      const client = await ctx.client();
      const body = await client.compare(ref, dev, options.refresh === true);
      if (ctx.json) {
        ctx.outJson(body);
        return;
      }
      const c = ctx.colors;
      ctx.out(
        keyValues(
          [
            ['Ref', `${clean(body.ref.simulationId)} (${clean(body.ref.name)})`],
            ['Dev', `${clean(body.dev.simulationId)} (${clean(body.dev.name)})`],
            ['Grid', clean(body.grid)],
            ['Compared', `${body.species.length} variables${body.cached ? ' (stored comparison)' : ''}`],
          ],
          c,
        ),
      );
      ctx.out(c.dim('Surface area-weighted mean (time mean); mean over all cells where there is none.'));
      ctx.out(
        table(
          ['VARIABLE', 'UNITS', 'REF', 'DEV', 'DEV-REF', '%'],
          body.species.slice(0, options.top).map((row) => {
            const surface = row.ref.surfaceMean !== null && row.dev.surfaceMean !== null;
            const stat = surface ? 'surfaceMean' : 'mean';
            const rel = row.relativeDifferencePercent[stat];
            const pct = percent(rel);
            return [
              `${clean(row.collection)}/${clean(row.variable)}${surface ? '' : c.dim(' (mean)')}`,
              clean(row.units ?? ''),
              formatNumber(row.ref[stat]),
              formatNumber(row.dev[stat]),
              formatNumber(row.difference[stat]),
              rel !== null && Math.abs(rel) >= 10 ? c.yellow(pct) : pct,
            ];
          }),
          c,
        ),
      );
      if (body.species.length > options.top)
        ctx.out(c.dim(`… ${body.species.length - options.top} more (--top N, or --json)`));
      if (body.onlyInRef.length || body.onlyInDev.length) {
        ctx.out(
          c.dim(`only in ref: ${body.onlyInRef.length}, only in dev: ${body.onlyInDev.length} (see --json)`),
        );
      }
      if (body.maps.length > 0) {
        ctx.out(`${c.bold('Difference maps')} ${c.dim(`(gcr download ${clean(ref)} --file <key>)`)}`);
        for (const m of body.maps) ctx.out(`  ${clean(m.key)}`);
      }
      if (body.mapsNote) ctx.out(c.dim(clean(body.mapsNote)));
    });
};
