// Phase 2 of `npm test`: tests that disrupt shared infrastructure (broker restarts,
// whole-platform start-up). Always run with --runInBand after phase 1.
const base = require('./jest.base');
module.exports = {
  ...base,
  testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.disruptive.test.ts'],
  testTimeout: 300000,
};
