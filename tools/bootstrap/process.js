// Small child-process helpers for the bootstrap scripts (no dependencies).
const { spawn } = require('node:child_process');

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(Object.assign(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? code})`), { code }));
    });
  });
}

/** Like run(), but resolves with the exit code instead of rejecting on failure. */
function runStatus(cmd, args, options = {}) {
  return run(cmd, args, options).then(
    () => 0,
    (err) => (typeof err.code === 'number' ? err.code : 1),
  );
}

module.exports = { run, runStatus };
