#!/usr/bin/env node
// CI's demo step: brings the platform up with `npm start` in the background, on its own ports,
// databases (fpms_d<run>_*) and vhost so it collides with nothing, waits until it announces it
// is up, runs `npm run demo` against it, and always tears it down (Ctrl-C to the whole process
// group, then the databases and vhost dropped). Exits with the demo's status.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createWriteStream, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { root } = require('./deps');
const { runStatus } = require('./process');

const UP_TIMEOUT_MS = Number(process.env.FPMS_DEMO_UP_TIMEOUT_MS ?? 6 * 60_000);
const DEMO_TIMEOUT_MS = Number(process.env.FPMS_DEMO_TIMEOUT_MS ?? 4 * 60_000);
const STOP_TIMEOUT_MS = 30_000;

const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const amqpHost = process.env.AMQP_HOST ?? '127.0.0.1';
const amqpPort = process.env.AMQP_PORT ?? '5672';
const env = {
  ...process.env,
  FPMS_PORT_BASE: process.env.FPMS_DEMO_PORT_BASE ?? '14000',
  FPMS_DB_PREFIX: `fpms_d${runId}`,
  AMQP_URL: `amqp://guest:guest@${amqpHost}:${amqpPort}/fpms_d${runId}`,
  JWT_KEYS_DIR: join(root, '.local', 'demo-keys'),
  RATE_LIMIT_PREFIX: `fpms-demo-${runId}:`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const logDir = join(root, '.local', 'demo-logs');
const logFile = join(logDir, `${runId}.log`);

/** Starts `npm start` as the leader of its own process group, its output into the log file. */
function startStack() {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (chunk) => {
    log.write(chunk);
    // Only the launcher's announcements matter here; keep the tail small.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited, output: () => output, closeLog: () => new Promise((r) => log.end(r)) };
}

async function waitUntilUp(stack) {
  const deadline = Date.now() + UP_TIMEOUT_MS;
  let exitedWith;
  stack.exited.then((code) => (exitedWith = code));
  for (;;) {
    const output = stack.output();
    if (output.includes('FPMS is up')) return;
    if (output.includes('Not every service became ready')) throw new Error('npm start: not every service became ready');
    if (exitedWith !== undefined) throw new Error(`npm start exited (${exitedWith}) before the platform was up`);
    if (Date.now() > deadline) throw new Error(`npm start did not announce the platform within ${UP_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function stopStack(stack) {
  if (stack.child.exitCode !== null || stack.child.signalCode !== null) return;
  const group = -stack.child.pid;
  const signal = (name) => {
    try {
      process.kill(group, name);
    } catch {
      // the group is gone already
    }
  };
  // Ctrl-C, as a terminal sends it to the whole group: each service drains and exits.
  signal('SIGINT');
  const stopped = await Promise.race([stack.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS))]);
  if (!stopped) {
    console.error(`[demo] npm start did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing its process group`);
    signal('SIGKILL');
    await stack.exited;
  }
  // Services that outlive the launcher's exit for a moment still belong to the group.
  signal('SIGKILL');
}

/** `npm run demo` against the stack, killed if it outlives DEMO_TIMEOUT_MS; answers its exit status. */
function runDemo() {
  return new Promise((resolve) => {
    const demo = spawn('npm', ['run', '-s', 'demo'], { cwd: root, env, stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.error(`[demo] npm run demo did not finish within ${DEMO_TIMEOUT_MS / 1000} s`);
      demo.kill('SIGKILL');
    }, DEMO_TIMEOUT_MS);
    demo.on('error', () => resolve(1));
    demo.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

function printLogTail() {
  try {
    const lines = readFileSync(logFile, 'utf8').split('\n');
    console.error(`\n[demo] last lines of npm start's output (${logFile}):\n${lines.slice(-150).join('\n')}`);
  } catch {
    // no log written
  }
}

async function main() {
  console.log(
    `[demo] npm start on port base ${env.FPMS_PORT_BASE}, databases ${env.FPMS_DB_PREFIX}_*, vhost fpms_d${runId}; log ${logFile}`,
  );
  const stack = startStack();
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    void stopStack(stack);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let status = 1;
  try {
    await waitUntilUp(stack);
    console.log('[demo] the platform is up; running npm run demo');
    status = await runDemo();
  } catch (error) {
    console.error(`[demo] ${error.message}`);
  } finally {
    if (status !== 0 && !interrupted) printLogTail();
    await stopStack(stack);
    await stack.closeLog();
    if (!process.env.FPMS_KEEP_TEST_ENV) await runStatus('node', ['dist/tools/infra/provision-cli.js', 'down'], { cwd: root, env });
  }
  console.log(status === 0 ? '[demo] passed' : '[demo] FAILED');
  process.exit(interrupted ? 130 : status);
}

main().catch((error) => {
  console.error(`[demo] ${error.message}`);
  process.exit(1);
});
