#!/usr/bin/env node
// `npm start`: from a fresh clone to all five services running locally.
// dependencies -> PostgreSQL/RabbitMQ/Redis -> build -> databases, roles, migrations,
// dev keys -> the five services with prefixed logs. Ctrl-C stops everything.
const { spawn } = require('node:child_process');
const { ensureDependencies, root } = require('./deps');
const { run } = require('./process');

async function main() {
  await ensureDependencies();
  await run('bash', ['tools/infra/ensure-services.sh'], { cwd: root });
  console.log('[start] building');
  await run('npm', ['run', '-s', 'build'], { cwd: root });
  await run('node', ['dist/tools/infra/provision-cli.js', 'up'], { cwd: root });
  const launcher = spawn('node', ['dist/tools/dev/launch.js'], { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the whole process group; the launcher and services shut down on
  // their own, and this process waits for them instead of exiting first.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => launcher.kill(signal));
  launcher.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  process.exit(1);
});
