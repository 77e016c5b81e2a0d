import { EntityManager } from 'typeorm';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { MembersRepository } from '../members/members.repository';
import { InvitationPurgeRepository } from '../housekeeping/invitation-purge.repository';

/**
 * Compile-time proof that the brands hold: tsc type-checks this file (npm test runs
 * `tsc --noEmit` over specs), and each `@ts-expect-error` fails the build if the line
 * under it ever type-checks. The functions are never called; no database is needed.
 */
describe('tenant handles', () => {
  const members = new MembersRepository();
  const purge = new InvitationPurgeRepository();

  it('a tenant repository refuses a plain EntityManager and a SystemManager', () => {
    const calls = (plain: EntityManager, system: SystemManager, tenant: TenantManager) => [
      // @ts-expect-error a plain EntityManager has not had its tenant set
      members.list(plain, 'w'),
      // @ts-expect-error a SystemManager runs on the BYPASSRLS pool
      members.list(system, 'w'),
      members.list(tenant, 'w'),
    ];
    expect(typeof calls).toBe('function');
  });

  it('a cross-tenant repository refuses a plain EntityManager and a TenantManager', () => {
    const calls = (plain: EntityManager, system: SystemManager, tenant: TenantManager) => [
      // @ts-expect-error a plain EntityManager is not from the system pool
      purge.purgeEnded(plain, new Date(), 1),
      // @ts-expect-error a TenantManager is RLS-bound and would purge one tenant's rows only
      purge.purgeEnded(tenant, new Date(), 1),
      purge.purgeEnded(system, new Date(), 1),
    ];
    expect(typeof calls).toBe('function');
  });

  it('a tenant handle still goes wherever an EntityManager is wanted (writeQuery, the outbox writer)', () => {
    const widen = (tenant: TenantManager, system: SystemManager): EntityManager[] => [tenant, system];
    expect(typeof widen).toBe('function');
  });
});
