/**
 * The agent's configuration file (schemas/site/site-agent-config.schema.json)
 * and its site credential. The credential file must be readable by its owner
 * only (mode 0600 or stricter): a credential others can read is refused, never
 * used, and the message says how to fix it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SiteAgentConfig } from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { InputError } from '../errors.js';

/** The configuration with every default filled in and every path absolute. */
export interface AgentConfig extends SiteAgentConfig {
  credentialFile: string;
  pollSeconds: number;
  receiveWaitSeconds: number;
  demoModelCommand: string[];
}

/** The file given was not a usable configuration or credential (exit 1, the message says why). */
export class AgentConfigError extends InputError {}

/** The credential file can be read by others than its owner: refused. */
export class CredentialFileModeError extends AgentConfigError {
  constructor(file: string, mode: number) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    super(
      `the site credential ${file} has mode ${octal}: it must be readable by its owner only (run: chmod 600 ${file})`,
    );
  }
}

const validateConfig = validatorFor<SiteAgentConfig>(
  'https://gcr.dev/schemas/site/site-agent-config.schema.json',
);

/**
 * The demo model as a compute node starts it: this installation's node, with
 * tsx, on containers/demo-model/src/main.ts (a path, not an import: the agent
 * never loads the model, the job does).
 */
export function defaultDemoModelCommand(): string[] {
  const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return [
    process.execPath,
    '--import',
    // tsx's loader by absolute URL (the job's cwd is its run directory, where the package name resolves to nothing).
    pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
    path.join(repository, 'containers/demo-model/src/main.ts'),
  ];
}

/** Reads and checks the configuration; `site` (from --site) must match the file's. */
export async function loadAgentConfig(file: string, site: string): Promise<AgentConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AgentConfigError(`cannot read the agent configuration ${file}: ${(error as Error).message}`);
  }
  const config = structuredClone(parsed) as SiteAgentConfig;
  if (!validateConfig(config)) {
    throw new AgentConfigError(`the agent configuration ${file} is not valid`, {
      issues: issuesFromAjv(validateConfig.errors, 'config'),
    });
  }
  if (config.site !== site) {
    throw new AgentConfigError(`the agent configuration ${file} is for site ${config.site}, not ${site}`);
  }
  return {
    ...config,
    credentialFile: path.resolve(path.dirname(file), config.credentialFile),
    pollSeconds: config.pollSeconds ?? 10,
    receiveWaitSeconds: config.receiveWaitSeconds ?? 10,
    demoModelCommand: config.demoModelCommand ?? defaultDemoModelCommand(),
  };
}

/** The site credential (`gcrsite_...`), from a file only its owner can read. */
export async function readSiteCredential(file: string): Promise<string> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    throw new AgentConfigError(`cannot read the site credential ${file}: ${(error as Error).message}`);
  }
  if ((mode & 0o077) !== 0) throw new CredentialFileModeError(file, mode);
  const secret = (await readFile(file, 'utf8')).trim();
  if (!/^gcrsite_\S+$/.test(secret)) {
    throw new AgentConfigError(
      `the site credential ${file} does not hold a gcrsite_... secret (gcr site credential NAME --out FILE writes one)`,
    );
  }
  return secret;
}
