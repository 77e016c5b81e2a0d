import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * vhosts are managed with `rabbitmqctl` (no management plugin needed). `RABBITMQCTL`
 * may name another command, e.g. `docker compose exec -T rabbitmq rabbitmqctl`.
 */
async function rabbitmqctl(...args: string[]): Promise<string> {
  const [cmd, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(/\s+/).filter(Boolean);
  try {
    const { stdout } = await exec(cmd, [...prefix, '-q', ...args], { timeout: 60000 });
    return stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new Error(`'${cmd}' was not found: set RABBITMQCTL to a working rabbitmqctl command to manage vhosts`);
    }
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function ensureVhost(vhost: string, user = 'guest'): Promise<void> {
  if (vhost === '/') return;
  const existing = (await rabbitmqctl('list_vhosts', '--no-table-headers')).split('\n').map((l) => l.trim());
  if (!existing.includes(vhost)) {
    await rabbitmqctl('add_vhost', vhost).catch((error: Error) => {
      if (!/already exists/i.test(error.message)) throw error;
    });
  }
  await rabbitmqctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*');
}

export async function deleteVhost(vhost: string): Promise<void> {
  if (vhost === '/') return;
  await rabbitmqctl('delete_vhost', vhost).catch((error: Error) => {
    if (!/does not exist|not_found/i.test(error.message)) throw error;
  });
}

/** Queues (name, durable, arguments) and bindings of a vhost, one sorted line each (tests compare vhosts). */
export async function describeVhostTopology(vhost: string): Promise<{ queues: string[]; bindings: string[] }> {
  const lines = (out: string) =>
    out
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter(Boolean)
      .sort();
  const queues = lines(await rabbitmqctl('list_queues', '-p', vhost, '--no-table-headers', 'name', 'durable', 'arguments'));
  const bindings = lines(
    await rabbitmqctl(
      'list_bindings',
      '-p',
      vhost,
      '--no-table-headers',
      'source_name',
      'destination_name',
      'destination_kind',
      'routing_key',
    ),
  );
  return { queues, bindings };
}
