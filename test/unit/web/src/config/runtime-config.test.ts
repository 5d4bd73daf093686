import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig, RuntimeConfigError } from '../../../../../web/src/config/runtime-config.js';

const valid = {
  apiUrl: 'http://127.0.0.1:3000/',
  stage: 'local',
  auth: { authority: 'http://127.0.0.1:4000', clientId: 'gcr-web', scopes: ['openid'] },
};

describe('parseRuntimeConfig', () => {
  it('accepts a complete config and drops the trailing slash of the API URL', () => {
    expect(parseRuntimeConfig(valid).apiUrl).toBe('http://127.0.0.1:3000');
  });

  it('names the field that is missing', () => {
    expect(() => parseRuntimeConfig({ ...valid, auth: { ...valid.auth, clientId: '' } })).toThrow(
      new RuntimeConfigError('auth.clientId must be a non-empty string'),
    );
  });
});
