import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { serviceDatabaseName, serviceRoles, setTenantContext, TenantTransactions, writeQuery } from '@fpms/database';
import { adminPgConfig, testDbPrefix } from '@fpms/harness';

/**
 * Connects as the workspace service's runtime role, as request traffic does (a test
 * that runs as superuser would prove nothing), against the migrated workspace database.
 */
describe('runtime role under RLS', () => {
  const admin = adminPgConfig();
  const database = serviceDatabaseName('workspace', testDbPrefix());
  const roles = serviceRoles('workspace');
  const password = process.env.FPMS_DB_PASSWORD ?? 'fpms-local-only';
  let runtime: DataSource;
  let system: DataSource;
  const accountA = randomUUID();
  const accountB = randomUUID();
  const workspaceA = randomUUID();
  const workspaceB = randomUUID();

  const connect = (username: string) =>
    new DataSource({ type: 'postgres', host: admin.host, port: admin.port, database, username, password }).initialize();

  beforeAll(async () => {
    runtime = await connect(roles.app);
    system = await connect(roles.system);
    // Seed two tenants through the system (BYPASSRLS) role.
    await system.query(`insert into accounts (id, name, owner_user_id) values ($1, 'A', $3), ($2, 'B', $3)`, [
      accountA,
      accountB,
      randomUUID(),
    ]);
    await system.query(`insert into workspaces (id, account_id, name, created_by) values ($1, $2, 'wa', $5), ($3, $4, 'wb', $5)`, [
      workspaceA,
      accountA,
      workspaceB,
      accountB,
      randomUUID(),
    ]);
  });

  afterAll(async () => {
    await runtime?.destroy();
    await system?.destroy();
  });

  it('connects as a role that is not a superuser and does not bypass RLS', async () => {
    const [me] = await runtime.query(
      `select current_user as name, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user`,
    );
    expect(me).toEqual({ name: roles.app, rolsuper: false, rolbypassrls: false });
  });

  it('sees zero rows when no tenant is set, inside or outside a transaction', async () => {
    expect(await runtime.query(`select id from workspaces where id = any($1)`, [[workspaceA, workspaceB]])).toEqual([]);
    expect(await runtime.query(`select id from accounts where id = any($1)`, [[accountA, accountB]])).toEqual([]);
    const inTx = await runtime.transaction((m) => m.query(`select count(*)::int as n from workspaces`));
    expect(inTx).toEqual([{ n: 0 }]);
  });

  it('sees only its own tenant once set, and the setting does not outlive the transaction', async () => {
    const tx = new TenantTransactions(runtime);
    const seen = await tx.run({ accountId: accountA }, (m) =>
      m.query(`select id from workspaces where id = any($1)`, [[workspaceA, workspaceB]]),
    );
    expect(seen).toEqual([{ id: workspaceA }]);
    // The same pooled connection, next transaction: nothing again.
    expect(await runtime.query(`select id from workspaces where id = any($1)`, [[workspaceA, workspaceB]])).toEqual([]);
  });

  it('narrows to one workspace when the workspace is set', async () => {
    const other = randomUUID();
    await system.query(`insert into workspaces (id, account_id, name, created_by) values ($1, $2, 'wa2', $1)`, [other, accountA]);
    const tx = new TenantTransactions(runtime);
    const seen = await tx.run({ accountId: accountA, workspaceId: other }, (m) =>
      m.query(`select id from workspaces where account_id = $1`, [accountA]),
    );
    expect(seen).toEqual([{ id: other }]);
  });

  it('cannot insert or move a row into another tenant', async () => {
    const tx = new TenantTransactions(runtime);
    await expect(
      tx.run({ accountId: accountA }, (m) =>
        m.query(`insert into workspaces (id, account_id, name, created_by) values ($1, $2, 'evil', $1)`, [randomUUID(), accountB]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      tx.run({ accountId: accountA }, (m) => m.query(`update workspaces set account_id = $1 where id = $2`, [accountB, workspaceA])),
    ).rejects.toThrow(/row-level security/);
    // Updating another tenant's row matches nothing.
    const { affected } = await tx.run({ accountId: accountA }, (m) =>
      writeQuery(m, `update workspaces set name = 'x' where id = $1`, [workspaceB]),
    );
    expect(affected).toBe(0);
    const [row] = await system.query(`select account_id, name from workspaces where id = $1`, [workspaceB]);
    expect(row).toEqual({ account_id: accountB, name: 'wb' });
  });

  it('refuses to set a tenant outside a transaction (it would leak through the pool)', async () => {
    await expect(setTenantContext(runtime.manager, { accountId: accountA })).rejects.toThrow(/inside a transaction/);
  });

  it('cannot change the schema', async () => {
    await expect(runtime.query(`create table intruder (id int)`)).rejects.toThrow(/permission denied/);
    await expect(runtime.query(`alter table workspaces disable row level security`)).rejects.toThrow(/must be owner/);
  });
});
