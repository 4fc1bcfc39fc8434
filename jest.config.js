/** Tests run from TypeScript through swc: no type-checking per file (that is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // The second CEL evaluator ships as ES modules only; swc turns it into CommonJS for jest.
    '/node_modules/@marcbachmann/cel-js/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  // One worker per core (jest's default leaves one core idle, which doubles the run on 2 cores).
  maxWorkers: '100%',
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  snapshotSerializers: ['<rootDir>/test/serializers/strip-asset-hashes.js'],
};
