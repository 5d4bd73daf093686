/**
 * The local OpenID provider's users: `<dataDir>/auth/users.json` (mode 0600),
 * what a Cognito user pool is on AWS. Each user has a scrypt password hash and
 * groups (`admin` and others, the `cognito:groups` claim). The `sub` of a user
 * is the one the dev tokens give the same name (`localSubFor`), so a login and
 * a dev token of one user own the same simulations.
 *
 * Managed with `npm run local:users -- add <user> [--password P] [--groups a,b]`,
 * `rm <user>`, `groups <user> a,b` and `list` (this module is the entry point).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { TokenRequestError } from './jwt.js';

export interface LocalUser {
  /** `scrypt$<salt base64url>$<hash base64url>`. */
  passwordHash: string;
  groups: string[];
}

export interface LocalUsersFile {
  users: Record<string, LocalUser>;
}

// Cognito user names and group names: no whitespace (the dev tokens' rule).
const NAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export function usersFilePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'auth', 'users.json');
}

export async function readLocalUsers(dataDir: string): Promise<LocalUsersFile> {
  try {
    const parsed = JSON.parse(await fs.readFile(usersFilePath(dataDir), 'utf8')) as Partial<LocalUsersFile>;
    return { users: parsed.users ?? {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { users: {} };
    throw error;
  }
}

async function writeLocalUsers(dataDir: string, file: LocalUsersFile): Promise<void> {
  const target = usersFilePath(dataDir);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, target);
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

function passwordMatches(passwordHash: string, password: string): boolean {
  const [scheme, salt, hash] = passwordHash.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(expected, actual);
}

function checkName(field: string, value: string): void {
  if (!NAME_PATTERN.test(value)) {
    throw new TokenRequestError(field, `${JSON.stringify(value)} must be 1-128 characters, no spaces`);
  }
}

/** Adds (or replaces) a user with this password and these groups. */
export async function addLocalUser(
  dataDir: string,
  user: string,
  password: string,
  groups: string[] = [],
): Promise<void> {
  checkName('user', user);
  groups.forEach((group, i) => checkName(`groups.${i}`, group));
  if (password.length < 8) throw new TokenRequestError('password', 'must be at least 8 characters');
  const file = await readLocalUsers(dataDir);
  file.users[user] = { passwordHash: hashPassword(password), groups: [...new Set(groups)] };
  await writeLocalUsers(dataDir, file);
}

/** Removes a user; false when there was none of that name. */
export async function removeLocalUser(dataDir: string, user: string): Promise<boolean> {
  const file = await readLocalUsers(dataDir);
  if (!file.users[user]) return false;
  delete file.users[user];
  await writeLocalUsers(dataDir, file);
  return true;
}

/** Sets a user's groups. */
export async function setLocalUserGroups(dataDir: string, user: string, groups: string[]): Promise<void> {
  groups.forEach((group, i) => checkName(`groups.${i}`, group));
  const file = await readLocalUsers(dataDir);
  const existing = file.users[user];
  if (!existing) throw new TokenRequestError('user', `${JSON.stringify(user)} is not a local user`);
  existing.groups = [...new Set(groups)];
  await writeLocalUsers(dataDir, file);
}

/** The user's groups when the password is right, else undefined (unknown user or wrong password alike). */
export async function checkLocalUserPassword(
  dataDir: string,
  user: string,
  password: string,
): Promise<{ groups: string[] } | undefined> {
  const found = (await readLocalUsers(dataDir)).users[user];
  if (!found || !passwordMatches(found.passwordHash, password)) return undefined;
  return { groups: found.groups };
}

function optionValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

async function usersCommand(argv: string[]): Promise<string> {
  const dataDir = optionValue(argv, '--data-dir') ?? process.env.GCR_DATA_DIR ?? '.gcr';
  const [action, user] = argv;
  const groupList = (text: string | undefined): string[] => (text ? text.split(',').filter(Boolean) : []);
  switch (action) {
    case 'add': {
      if (!user) break;
      const password = optionValue(argv, '--password') ?? randomBytes(12).toString('base64url');
      await addLocalUser(dataDir, user, password, groupList(optionValue(argv, '--groups')));
      return optionValue(argv, '--password') ? `added ${user}` : `added ${user} with password ${password}`;
    }
    case 'rm':
      if (!user) break;
      return (await removeLocalUser(dataDir, user)) ? `removed ${user}` : `${user} was not a local user`;
    case 'groups':
      if (!user) break;
      await setLocalUserGroups(dataDir, user, groupList(argv[2]));
      return `${user}: ${groupList(argv[2]).join(', ') || '(no groups)'}`;
    case 'list': {
      const { users } = await readLocalUsers(dataDir);
      return Object.entries(users)
        .map(([name, u]) => `${name}\t${u.groups.join(',')}`)
        .join('\n');
    }
  }
  throw new TokenRequestError(
    'command',
    'usage: local:users -- add <user> [--password P] [--groups a,b] | rm <user> | groups <user> a,b | list [--data-dir DIR]',
  );
}

if (isEntryPoint(import.meta.url)) {
  usersCommand(process.argv.slice(2)).then(
    (text) => console.log(text),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
