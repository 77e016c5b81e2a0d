// Phase 1 of `npm test`: unit and integration tests, run in parallel workers.
// Tests that disrupt shared infrastructure (*.disruptive.test.ts) run later, serially.
const base = require('./jest.base');
module.exports = {
  ...base,
  testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.{spec,test}.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.disruptive\\.test\\.ts$'],
  testTimeout: 60000,
};
