// Installs node_modules when they are missing or stale (package.json / lockfile changed).
// Plain Node with no dependencies: it runs before anything is installed.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { run } = require('./process');

const root = join(__dirname, '..', '..');
const stampFile = join(root, 'node_modules', '.fpms-deps-stamp');

function manifestHash() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

async function ensureDependencies() {
  const wanted = manifestHash();
  const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (current === wanted) return;
  const hasLock = existsSync(join(root, 'package-lock.json'));
  console.log(`[deps] installing dependencies (${hasLock ? 'npm ci' : 'npm install'})`);
  await run('npm', hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], { cwd: root });
  writeFileSync(stampFile, manifestHash());
}

module.exports = { ensureDependencies, root };
