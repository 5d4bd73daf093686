/**
 * `gcr config list|get|set|use`: the profiles file (cli/auth/profiles.ts), one
 * profile per stack; `gcr configure` fills one from a stack's outputs.
 */
import {
  allProfiles,
  LOCAL_PROFILE,
  PROFILE_KEYS,
  profilesFilePath,
  readProfiles,
  writeProfiles,
  type Profile,
} from '../auth/profiles.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';

function profileKey(key: string): keyof Profile {
  if (!(key in PROFILE_KEYS)) {
    throw new UsageError(
      `unknown setting ${JSON.stringify(key)}: one of ${Object.keys(PROFILE_KEYS).join(', ')}`,
    );
  }
  return key as keyof Profile;
}

export const registerConfig: RegisterCommand = (program, ctx) => {
  const config = program
    .command('config')
    .description('profiles: which stack the CLI talks to and signs in with (list, get, set, use)');

  config
    .command('list')
    .description('every profile, the one in use marked *')
    .action(async () => {
      const file = await readProfiles(ctx.io.env);
      const { name: current } = await ctx.profile();
      const profiles = allProfiles(file);
      if (ctx.json) {
        ctx.outJson({ current, file: profilesFilePath(ctx.io.env), profiles });
        return;
      }
      for (const [name, profile] of Object.entries(profiles)) {
        const where = profile.local ? 'local platform (platform.json)' : (profile.apiUrl ?? '(no apiUrl)');
        ctx.out(`${name === current ? '*' : ' '} ${name}\t${where}`);
      }
    });

  config
    .command('get')
    .description("a profile's settings, or one of them")
    .argument('[profile]', 'profile name (default: the one in use)')
    .argument('[key]', `one setting: ${Object.keys(PROFILE_KEYS).join(', ')}`)
    .action(async (name: string | undefined, key: string | undefined) => {
      const chosen = name ?? (await ctx.profile()).name;
      const profile = allProfiles(await readProfiles(ctx.io.env))[chosen];
      if (!profile) throw new UsageError(`no profile ${JSON.stringify(chosen)}: see gcr config list`);
      const value = key === undefined ? profile : profile[profileKey(key)];
      if (ctx.json) ctx.outJson(value ?? null);
      else if (typeof value === 'object') ctx.out(JSON.stringify(value, null, 2));
      else ctx.out(value === undefined ? '' : String(value));
    });

  config
    .command('set')
    .description('set one setting of a profile (creating the profile)')
    .argument('<profile>', 'profile name')
    .argument('<key>', `one of ${Object.keys(PROFILE_KEYS).join(', ')}`)
    .argument('<value>', 'its value')
    .action(async (name: string, key: string, value: string) => {
      const setting = profileKey(key);
      const file = await readProfiles(ctx.io.env);
      file.profiles[name] = { ...file.profiles[name], [setting]: PROFILE_KEYS[setting](value) };
      await writeProfiles(ctx.io.env, file);
      if (!ctx.json) ctx.out(`${name}.${setting} = ${value}`);
      else ctx.outJson({ profile: name, [setting]: file.profiles[name][setting] });
    });

  config
    .command('use')
    .description('make a profile the one in use (GCR_PROFILE and --profile still win)')
    .argument('<profile>', 'profile name')
    .action(async (name: string) => {
      const file = await readProfiles(ctx.io.env);
      if (name !== LOCAL_PROFILE && !file.profiles[name]) {
        throw new UsageError(`no profile ${JSON.stringify(name)}: see gcr config list`);
      }
      await writeProfiles(ctx.io.env, { ...file, current: name });
      if (ctx.json) ctx.outJson({ current: name });
      else ctx.out(`Using profile ${name}`);
    });
};
