#!/usr/bin/env node
// `npm test`: self-sufficient from a fresh clone. Installs dependencies, ensures the
// infrastructure, type-checks, lints and builds, then runs the tests in a throwaway RabbitMQ
// vhost and throwaway databases (fpms_t<run>_*) so that runs cannot disturb each other
// or a running `npm start`. Phase 1: unit + integration in parallel; phase 2: tests that
// disrupt shared infrastructure, serially. Extra arguments go to Jest (a path filter).
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { ensureDependencies, root } = require('./deps');
const { run, runStatus } = require('./process');

const bin = (name) => join(root, 'node_modules', '.bin', name);

function jestCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0, ok: false };
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: report.numPassedTests, failed: report.numFailedTests + report.numRuntimeErrorTestSuites, ok: report.success };
}

async function main() {
  const jestArgs = process.argv.slice(2);
  await ensureDependencies();
  await run('bash', ['tools/infra/ensure-services.sh'], { cwd: root });
  // The deployment tests render k8s/ with kubectl's kustomize.
  await run('bash', ['tools/infra/ensure-kubectl.sh'], { cwd: root });
  console.log('[test] type-checking, linting and building');
  await run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: root });
  // ESLint (typescript-eslint + import boundaries), then Prettier's check: CI fails on either.
  await run('npm', ['run', '-s', 'lint'], { cwd: root });
  await run('npm', ['run', '-s', 'format:check'], { cwd: root });
  await run('npm', ['run', '-s', 'build'], { cwd: root });

  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const amqpHost = process.env.AMQP_HOST ?? '127.0.0.1';
  const amqpPort = process.env.AMQP_PORT ?? '5672';
  const reports = join(root, '.local', 'test-reports', runId);
  mkdirSync(reports, { recursive: true });
  const env = {
    ...process.env,
    FPMS_TEST_RUN: runId,
    FPMS_DB_PREFIX: `fpms_t${runId}`,
    AMQP_URL: `amqp://guest:guest@${amqpHost}:${amqpPort}/fpms_t${runId}`,
    JWT_KEYS_DIR: join(root, '.local', 'test-keys'),
    JWT_ACTIVE_KID: 'test-1',
    FPMS_PORT_BASE: process.env.FPMS_TEST_PORT_BASE ?? '13000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  console.log(`[test] run ${runId}: databases fpms_t${runId}_*, vhost fpms_t${runId}`);
  await run('node', ['dist/tools/infra/provision-cli.js', 'up'], { cwd: root, env });

  const ci = process.env.CI ? ['--ci'] : [];
  let phase1;
  let phase2;
  try {
    await runStatus(
      bin('jest'),
      ['--config', 'jest.config.js', '--maxWorkers=2', ...ci, '--json', `--outputFile=${join(reports, 'phase1.json')}`, ...jestArgs],
      { cwd: root, env },
    );
    phase1 = jestCounts(join(reports, 'phase1.json'));
    await runStatus(
      bin('jest'),
      [
        '--config',
        'jest.serial.config.js',
        '--runInBand',
        '--passWithNoTests',
        ...ci,
        '--json',
        `--outputFile=${join(reports, 'phase2.json')}`,
        ...jestArgs,
      ],
      { cwd: root, env },
    );
    phase2 = jestCounts(join(reports, 'phase2.json'));
  } finally {
    if (!process.env.FPMS_KEEP_TEST_ENV) {
      await runStatus('node', ['dist/tools/infra/provision-cli.js', 'down'], { cwd: root, env });
      rmSync(reports, { recursive: true, force: true });
    }
  }
  const passed = phase1.passed + phase2.passed;
  const failed = phase1.failed + phase2.failed;
  const ok = phase1.ok && phase2.ok;
  console.log(
    `\n[test] phase 1 (parallel): ${phase1.passed} passed, ${phase1.failed} failed; phase 2 (serial): ${phase2.passed} passed, ${phase2.failed} failed`,
  );
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`[test] ${error.message}`);
  process.exit(1);
});
