/**
 * `gcr rundir <spec.json> <dir>`: validate a spec and write the GEOS-Chem
 * Classic 14.7 run directory it stands for into <dir>: the configuration files
 * createRunDir.sh would write, the species database, and the directories
 * GEOS-Chem writes into (shared/science/rundir/generate.ts; see docs/RUNDIR.md).
 * No API call.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { metFieldLabel } from '#shared/science/spec/rundir-rules.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { RegisterCommand } from '../context.js';
import { InputError, UsageError } from '../errors.js';
import { readSpecFile } from './submit.js';

async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR')
      throw new InputError(`${dir} exists and is not a directory`, { code: 'NotADirectory' });
    throw new InputError(`cannot read ${dir}: ${(error as Error).message}`, { code: 'DirUnreadable' });
  }
}

export const registerRundir: RegisterCommand = (program, ctx) => {
  program
    .command('rundir')
    .description(
      'validate a spec and write its GEOS-Chem Classic run directory (configuration files, species database, OutputDir/, Restarts/) into <dir>',
    )
    .argument('<spec.json>', 'path to the simulation spec (JSON)')
    .argument('<dir>', 'directory to write into (created if missing; must be empty unless --force)')
    .option('--force', 'write into a non-empty directory, replacing files of the same name')
    .option('--data-root <path>', 'where the input data (ExtData) is, written into the files', '/ExtData')
    .action(async (file: string, dir: string, opts: { force?: boolean; dataRoot: string }) => {
      // HEMCO splits its configuration lines on spaces, and the files name the root as an absolute path.
      if (!/^\/\S*$/.test(opts.dataRoot)) {
        throw new UsageError(`--data-root must be an absolute path without spaces, not "${opts.dataRoot}"`);
      }
      const dataRoot = opts.dataRoot.length > 1 ? opts.dataRoot.replace(/\/+$/, '') : opts.dataRoot;
      const text = await readSpecFile(ctx, file);
      const result = validateSimulationSpec(JSON.parse(text) as unknown, { now: ctx.now() });
      if (!result.ok) {
        throw new InputError(`spec file ${file} is not a valid simulation spec`, {
          code: 'ValidationError',
          issues: result.issues,
        });
      }
      const spec = result.spec;
      const target = ctx.resolvePath(dir);
      const existing = await entriesOf(target);
      if (existing && existing.length > 0 && !opts.force) {
        throw new InputError(
          `${dir} is not empty (${existing.length} entries); use --force to write into it`,
          {
            code: 'DirNotEmpty',
          },
        );
      }
      let generated;
      try {
        generated = generateRunDirectory(spec, { dataRoot });
      } catch (error) {
        throw new InputError(`cannot generate a run directory: ${(error as Error).message}`, {
          code: 'RunDirGenerationFailed',
          cause: error,
        });
      }
      await mkdir(target, { recursive: true });
      const names = Object.keys(generated.files);
      for (const name of names) {
        await writeFile(path.join(target, name), generated.files[name]!, 'utf8');
      }
      for (const directory of generated.directories) {
        await mkdir(path.join(target, directory), { recursive: true });
      }
      const domain = spec.grid.nestedDomain === 'global' ? 'global' : `nested ${spec.grid.nestedDomain}`;
      const summary = {
        name: generated.name,
        directory: target,
        files: names,
        directories: generated.directories,
        simulation:
          spec.simulation.extraOption === 'none'
            ? spec.simulation.type
            : `${spec.simulation.type} (${spec.simulation.extraOption})`,
        grid: `${spec.grid.resolution} ${domain}`,
        met: metFieldLabel(spec.meteorology.field),
        levels: spec.grid.levels,
        period: `${spec.period.start} to ${spec.period.end}`,
        collections: spec.diagnostics.collections,
        frequency: spec.diagnostics.frequency,
        warnings: result.warnings,
        assumptions: generated.assumptions,
      };
      if (ctx.json) {
        ctx.outJson(summary);
        return;
      }
      const lines = [
        `wrote ${names.length} files for ${generated.name} to ${target}`,
        `  simulation  ${summary.simulation}`,
        `  grid        ${summary.grid}`,
        `  met         ${summary.met}`,
        `  levels      ${summary.levels}`,
        `  period      ${summary.period}`,
        `  collections ${summary.collections.join(', ')} (${summary.frequency})`,
        `  files       ${names.join(', ')}`,
        `  directories ${generated.directories.map((d) => `${d}/`).join(', ')}`,
        ...result.warnings.map((w) => `  warning: ${w.field}: ${w.message}`),
      ];
      ctx.out(lines.join('\n'));
    });
};
