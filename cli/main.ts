/**
 * `gcr`: the command-line client of the GEOS-Chem Cloud Runner.
 *
 * `runCli(argv, io)` is the whole program as a function of its arguments and its
 * process boundary, returning the exit code; `main()` binds it to the real
 * process (bin/gcr.js and `npm run gcr` call it).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { CommandContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { clean, colorEnabled, makeColors, toJson } from './format.js';
import type { CliIo } from './io.js';
import { isEntryPoint } from '#shared/kernel/entry-point.js';

export type { CliIo, CliStream } from './io.js';
export { ExitCode } from './errors.js';

const HELP_FOOTER = `
Environment:
  GCR_API_URL        API base URL (same as --api)
  GCR_DATA_DIR       local platform data directory (same as --data-dir; default .gcr)
  GCR_TOKEN          bearer token; without it, your gcr login, else a dev token of the local platform
  GCR_PROFILE        profile to use (same as --profile; default: gcr config use, else local)
  XDG_CONFIG_HOME    where gcr keeps profiles and logins (<dir>/gcr; default ~/.config/gcr)
  GCR_USER           user name for locally signed tokens (default: your login name)
  GCR_HTTP_TIMEOUT   request timeout in seconds (default 15)
  NO_COLOR           no colours even on a terminal

Exit codes:
  0 ok   1 refused by the API or bad input file (watch: the simulation did not succeed)
  2 bad command line   3 cannot reach the API   4 not authenticated or not allowed
  5 watch --timeout reached   130 interrupted (Ctrl-C)

Reference: docs/CLI.md`;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Did the command line ask for --json? (Needed when parsing itself failed.) */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function buildProgram(
  io: CliIo,
  json: boolean,
  usageErrors: string[],
): { program: Command; ctx: CommandContext } {
  const program = new Command('gcr');
  const columns = (stream: unknown): number => (stream as { columns?: number }).columns ?? 100;
  program
    .description('GEOS-Chem Cloud Runner: submit simulations and follow them to the end')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .option(
      '--api <url>',
      'API base URL (env GCR_API_URL; default: the local platform of the data directory)',
    )
    .option('--data-dir <dir>', 'local platform data directory (env GCR_DATA_DIR; default .gcr)')
    .option('--profile <name>', 'profile: which stack and login (env GCR_PROFILE; default local)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void (json ? undefined : io.stderr.write(s)),
      // With --json, commander's error text is kept and reported as a JSON error instead.
      outputError: (s, write) => {
        usageErrors.push(s);
        if (!json) write(s);
      },
      getOutHelpWidth: () => columns(io.stdout),
      getErrHelpWidth: () => columns(io.stderr),
      getOutHasColors: () => colorEnabled(io.stdout, io.env),
      getErrHasColors: () => colorEnabled(io.stderr, io.env),
    })
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP_FOOTER);
  const ctx = new CommandContext(io, program);
  for (const register of COMMANDS) register(program, ctx);
  return { program, ctx };
}

function renderError(error: CliError, io: CliIo, json: boolean): void {
  if (json) {
    io.stderr.write(
      toJson({
        error: {
          code: error.code,
          message: error.message,
          exitCode: error.exitCode,
          ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
          ...(error.issues.length ? { issues: error.issues } : {}),
          ...(error.details.length ? { details: error.details } : {}),
        },
      }),
    );
    return;
  }
  const c = makeColors(colorEnabled(io.stderr, io.env));
  // API messages and file excerpts are shown with control characters neutralised.
  const lines = [`${c.red('error:')} ${clean(error.message)}`];
  for (const issue of error.issues) {
    lines.push(
      issue.field ? `  ${c.bold(clean(issue.field))}: ${clean(issue.message)}` : `  ${clean(issue.message)}`,
    );
  }
  for (const detail of error.details) {
    for (const line of detail.split('\n')) lines.push(`  ${clean(line)}`);
  }
  io.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * Run `gcr` with `argv` (the arguments after the program name) and return the
 * exit code: 0 ok, 1 API refusal or bad input (or a watched simulation that did
 * not succeed), 2 usage, 3 connection, 4 auth, 5 watch timeout, 130 Ctrl-C.
 * Never throws and never exits the process.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = wantsJson(argv);
  const usageErrors: string[] = [];
  const { program, ctx } = buildProgram(io, json, usageErrors);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.ok; // --help, --version
      if (json) {
        const message =
          error.code === 'commander.help'
            ? 'no command given (add --help for usage)'
            : (usageErrors.join('') || error.message).replace(/^error:\s*/i, '').trim();
        renderError(new CliError(message, ExitCode.usage, { code: 'UsageError' }), io, true);
      }
      return ExitCode.usage;
    }
    if (error instanceof CliError) {
      renderError(error, io, json);
      return error.exitCode;
    }
    const unexpected = new CliError(
      `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
      ExitCode.failed,
      {
        code: 'InternalError',
        details: io.env.GCR_DEBUG && error instanceof Error && error.stack ? [error.stack] : [],
      },
    );
    renderError(unexpected, io, json);
    return unexpected.exitCode;
  }
}

/** Run with the real process: exit code in process.exitCode, quiet on a closed pipe (`| head -1`). */
export async function main(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    // Commands that poll catch Ctrl-C to tidy the terminal and exit 130; others keep the default.
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  });
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.failed;
  });
}
