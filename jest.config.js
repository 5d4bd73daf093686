// Two projects: fast unit tests of pure logic and boundaries, and integration
// tests against real dynalite, s3rver, HTTP and child processes.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  // Relative imports and package.json "imports" aliases (#shared/..., #schemas/...) name .js files that are .ts here.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^#(shared|schemas|cli|local|containers|services|scripts|test)/(.*)\\.js$': '<rootDir>/$1/$2',
    '^#(shared|schemas|cli|local|containers|services|scripts|test)/(.*)$': '<rootDir>/$1/$2',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
  // The web console's component tests run in Vitest (npm run test:web).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/web/'],
};

export default {
  // Tests must pass on a slow, shared machine (CI's 2 cores, or several suites at
  // once): jest's 5 s default fails tests that do real I/O there. A test that
  // hangs still fails, after a minute; speed is measured by npm run bench:*.
  testTimeout: 60_000,
  // Integration suites mostly wait (a platform's processes, events, Slurm):
  // two workers overlap those waits even on CI's 2 cores, where jest's
  // default (cores - 1) would run every file one after the other. Suites that
  // share the one Slurm cluster take turns (test/helpers/slurm-cluster.ts).
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
  ],
};
