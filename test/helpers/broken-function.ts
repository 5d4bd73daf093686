/** A function module that fails its cold start, as a handler whose config is missing does. */
class FixtureConfigError extends Error {
  constructor() {
    super('FIXTURE_REQUIRED is required');
    this.name = 'ConfigError';
  }
}

if (process.env['FIXTURE_REQUIRED'] === undefined) throw new FixtureConfigError();

export async function handler(): Promise<string> {
  return 'configured';
}
