// Shared Jest settings: ts-jest without per-file type checking (the whole tree is
// type-checked once by `tsc` before the tests run) and the @fpms/* path aliases.
const aliases = ['common', 'contracts', 'database', 'messaging', 'platform', 'auth', 'testing', 'api-client'];
const moduleNameMapper = {};
for (const name of aliases) {
  moduleNameMapper[`^@fpms/${name}$`] = `<rootDir>/libs/${name}/src`;
  moduleNameMapper[`^@fpms/${name}/(.*)$`] = `<rootDir>/libs/${name}/src/$1`;
}
// The test harness starts whole services, so it lives under test/ (libs never import apps).
moduleNameMapper['^@fpms/harness$'] = '<rootDir>/test/harness';
moduleNameMapper['^@fpms/harness/(.*)$'] = '<rootDir>/test/harness/$1';
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // otplib (issue 18) and swagger-parser's ref parser (issue 21) depend on ES-module-only packages: Jest's CommonJS runtime
    // needs them transformed (Node requires them natively).
    '^.+/node_modules/(@scure|@noble|@otplib|otplib|@apidevtools/json-schema-ref-parser)/.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@scure|@noble|@otplib|otplib|@apidevtools/json-schema-ref-parser)/)'],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
  // Every gateway response a test receives is checked against docs/openapi.json (test/contract).
  setupFilesAfterEnv: ['<rootDir>/test/contract/response-contract.setup.ts'],
};
