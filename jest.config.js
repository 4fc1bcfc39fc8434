/** Tests run from TypeScript through swc: no type-checking per file (that is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  snapshotSerializers: ['<rootDir>/test/serializers/strip-asset-hashes.js'],
};
