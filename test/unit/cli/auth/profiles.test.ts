/** Profiles: the stack outputs -> profile mapping, and which profile is in use. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { configDir, profileFromOutputs, resolveProfile, writeProfiles } from '#cli/auth/profiles.js';

const outputs = {
  ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  UserPoolDomain: 'https://gcr-prod-123456789012.auth.eu-west-1.amazoncognito.com',
  CliClientId: '4abcdefghijklmnopqrstuvwx',
  CliCallbackPort: '8765',
  UserPoolId: 'eu-west-1_AbCdEf',
  SimulationsTableName: 'unrelated',
};

describe('profileFromOutputs', () => {
  it('maps the infrastructure stack outputs to a profile', () => {
    expect(profileFromOutputs(outputs, { stack: 'gcr-prod', region: 'eu-west-1' })).toEqual({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      authDomain: 'https://gcr-prod-123456789012.auth.eu-west-1.amazoncognito.com',
      clientId: '4abcdefghijklmnopqrstuvwx',
      callbackPort: 8765,
      userPoolId: 'eu-west-1_AbCdEf',
      region: 'eu-west-1',
      stack: 'gcr-prod',
    });
  });

  it('names every missing output', () => {
    const { ApiUrl: _api, CliClientId: _client, ...rest } = outputs;
    expect(() => profileFromOutputs(rest, { stack: 'gcr-old', region: 'eu-west-1' })).toThrow(
      /stack gcr-old \(eu-west-1\) has no output ApiUrl, CliClientId/,
    );
  });
});

describe('resolveProfile', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-profiles-'));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('keeps the config under XDG_CONFIG_HOME/gcr, else ~/.config/gcr', () => {
    expect(configDir({ XDG_CONFIG_HOME: home })).toBe(path.join(home, 'gcr'));
    expect(configDir({ HOME: home })).toBe(path.join(home, '.config', 'gcr'));
  });

  it('--profile, then GCR_PROFILE, then the current one, then the built-in local', async () => {
    const env = { XDG_CONFIG_HOME: home };
    expect(await resolveProfile(undefined, env)).toEqual({
      name: 'local',
      profile: { local: true, devTokens: true },
    });
    await writeProfiles(env, {
      current: 'dev',
      profiles: { dev: { apiUrl: 'https://dev.test' }, prod: { apiUrl: 'https://prod.test' } },
    });
    expect((await resolveProfile(undefined, env)).name).toBe('dev');
    expect((await resolveProfile(undefined, { ...env, GCR_PROFILE: 'prod' })).name).toBe('prod');
    expect((await resolveProfile('local', { ...env, GCR_PROFILE: 'prod' })).name).toBe('local');
    await expect(resolveProfile('staging', env)).rejects.toThrow(/no profile "staging" \(from --profile\)/);
  });
});
