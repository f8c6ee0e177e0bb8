/**
 * Two projects, run together by `npm test` and alone by `npm run test:constructs` /
 * `npm run test:integration` (or `npx jest --selectProjects constructs|integration`):
 * - constructs: synthesis, unit tests and in-process code; no child process, no machine prerequisite.
 * - integration (test/integration/): terraform, Python, shell sandboxes, spawned tools and servers.
 * Type-checking is its own test (test/integration/commands/app.test.ts runs tsc --noEmit); jest only
 * transpiles, with swc (the transpiler ts-node uses for the app).
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  // Beside the tsc and Lambda bundle caches, which npm ci wipes, rather than in the temporary directory.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'constructs',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/integration-setup.ts',
    },
  ],
  testSequencer: '<rootDir>/test/harness/sequencer.js',
  // Integration tests wait on terraform, Python and shells; a child that hangs is killed sooner (test/harness/child-process.ts).
  testTimeout: 120000,
  // The integration files wait on child processes: one worker per core, not jest's default of cores - 1.
  maxWorkers: '100%',
};
