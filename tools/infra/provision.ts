import * as amqplib from 'amqplib';
import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';
import { EVENT_TOPOLOGY, EventTopology } from '@fpms/contracts/events/event-topology';
import { serviceDatabaseName, serviceRoles, ServiceName, SERVICE_NAMES } from '@fpms/database';
import { declareTopology, topologyDeclarations } from '@fpms/messaging/events/event-topology';
import type { QueueType } from '@fpms/messaging/queue-type';
import { PlatformEnv } from './platform-env';
import { serviceMigrations } from './service-migrations';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function withClient<T>(platform: PlatformEnv, database: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: platform.pgHost,
    port: platform.pgPort,
    user: platform.adminUser,
    password: platform.adminPassword,
    database,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a role, or brings an existing one to the wanted attributes. Safe under concurrent runs. */
async function ensureRole(client: Client, name: string, password: string, attributes: string): Promise<void> {
  await client.query(`
    do $$ begin
      create role ${quoteIdent(name)};
    exception when duplicate_object or unique_violation then null;
    end $$`);
  await client.query(
    `alter role ${quoteIdent(name)} login password ${quoteLiteral(password)} nosuperuser nocreatedb nocreaterole ${attributes}`,
  );
}

async function ensureDatabase(client: Client, name: string, owner: string): Promise<void> {
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (rowCount) return;
  try {
    await client.query(`create database ${quoteIdent(name)} owner ${quoteIdent(owner)}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created concurrently
  }
}

/** Privileges: the runtime and system roles may read and write rows, never change schema. */
async function grantPrivileges(client: Client, database: string, roles: ReturnType<typeof serviceRoles>): Promise<void> {
  const [owner, app, system] = [roles.owner, roles.app, roles.system].map(quoteIdent);
  await client.query(`revoke all on database ${quoteIdent(database)} from public`);
  await client.query(`grant connect, temporary on database ${quoteIdent(database)} to ${owner}, ${app}, ${system}`);
  await client.query(`revoke create on schema public from public`);
  await client.query(`grant all on schema public to ${owner}`);
  await client.query(`grant usage on schema public to ${app}, ${system}`);
  await client.query(
    `alter default privileges for role ${owner} in schema public grant select, insert, update, delete on tables to ${app}, ${system}`,
  );
  await client.query(
    `alter default privileges for role ${owner} in schema public grant usage, select, update on sequences to ${app}, ${system}`,
  );
  await client.query(`alter default privileges for role ${owner} in schema public grant execute on functions to ${app}, ${system}`);
}

/** Runs a service's migrations as its owner role, one migrator at a time per database. */
export async function migrateService(
  platform: PlatformEnv,
  service: ServiceName,
  migrations: Array<new () => MigrationInterface>,
): Promise<string[]> {
  const roles = serviceRoles(service, platform.rolePrefix);
  const database = serviceDatabaseName(service, platform.dbPrefix);
  const dataSource = new DataSource({
    type: 'postgres',
    host: platform.pgHost,
    port: platform.pgPort,
    username: roles.owner,
    password: platform.rolePassword,
    database,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    // Several replicas may start at once; TypeORM itself does not serialise migrators.
    await lock.query(`select pg_advisory_lock(hashtext('fpms:migrations'))`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query(`select pg_advisory_unlock(hashtext('fpms:migrations'))`).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/** Databases, roles, grants and migrations for every service. Idempotent. */
export async function provisionDatabases(platform: PlatformEnv, services: readonly ServiceName[] = SERVICE_NAMES): Promise<void> {
  await withClient(platform, 'postgres', async (client) => {
    for (const service of services) {
      const roles = serviceRoles(service, platform.rolePrefix);
      await ensureRole(client, roles.owner, platform.rolePassword, 'nobypassrls');
      await ensureRole(client, roles.app, platform.rolePassword, 'nobypassrls');
      await ensureRole(client, roles.system, platform.rolePassword, 'bypassrls');
      await ensureDatabase(client, serviceDatabaseName(service, platform.dbPrefix), roles.owner);
    }
  });
  for (const service of services) {
    const database = serviceDatabaseName(service, platform.dbPrefix);
    await withClient(platform, database, (client) => grantPrivileges(client, database, serviceRoles(service, platform.rolePrefix)));
    await migrateService(platform, service, serviceMigrations[service]);
  }
}

/** Drops the databases of one platform (test runs clean up after themselves). */
export async function dropDatabases(platform: PlatformEnv, services: readonly ServiceName[] = SERVICE_NAMES): Promise<void> {
  await withClient(platform, 'postgres', async (client) => {
    for (const service of services) {
      await client.query(`drop database if exists ${quoteIdent(serviceDatabaseName(service, platform.dbPrefix))} with (force)`);
    }
  });
}

/**
 * Declares the event topology (exchange, every consumer's queue, bindings, retry queues
 * and DLQ) on the vhost `amqpUrl` points at, from the same definition every service
 * declares at start. Idempotent. A queue that exists with other arguments (a changed
 * retry delay) fails here with the broker's PRECONDITION_FAILED, before any service starts.
 */
export async function provisionTopology(
  amqpUrl: string,
  topology: EventTopology = EVENT_TOPOLOGY,
  queueType: QueueType = 'classic',
): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await declareTopology(channel, topologyDeclarations(topology, queueType));
    await channel.close();
  } finally {
    await connection.close().catch(() => undefined);
  }
}
