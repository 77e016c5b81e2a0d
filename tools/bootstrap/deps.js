// Installs node_modules when they are missing or stale (package.json / lockfile changed).
// Plain Node with no dependencies: it runs before anything is installed.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { run } = require('./process');

const root = join(__dirname, '..', '..');
const stampFile = join(root, 'node_modules', '.fpms-deps-stamp');

/** What decides the contents of node_modules: the dependency fields and the lockfile (not scripts). */
function manifestHash() {
  const hash = createHash('sha256');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  hash.update(JSON.stringify([manifest.dependencies, manifest.devDependencies, manifest.overrides, manifest.engines]));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
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
