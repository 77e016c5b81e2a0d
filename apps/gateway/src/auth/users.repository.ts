import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUniqueViolation } from '@fpms/database/postgres-errors';
import { AuthError } from './auth.errors';
import { AccountMembershipEntity } from './entities/account-membership.entity';
import { UserEntity } from './entities/user.entity';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** Users are global (no tenant column, no RLS): any manager. Memberships are RLS-protected: a TenantManager. */
@Injectable()
export class UsersRepository {
  async insert(
    manager: EntityManager,
    user: Omit<UserEntity, 'createdAt' | 'isPlatformAdmin' | 'emailVerifiedAt' | 'passwordChangedAt'>,
  ): Promise<UserEntity> {
    try {
      const repo = manager.getRepository(UserEntity);
      return await repo.save(repo.create(user));
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw AuthError.emailTaken();
      throw error;
    }
  }

  findById(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOneBy({ id });
  }

  findByEmail(manager: EntityManager, email: string): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOneBy({ email });
  }

  async addMembership(manager: TenantManager, membership: Omit<AccountMembershipEntity, 'createdAt'>): Promise<void> {
    await manager.getRepository(AccountMembershipEntity).insert(membership);
  }

  /** The caller's own memberships: the transaction must be scoped to this user. */
  listMemberships(manager: TenantManager, userId: string): Promise<AccountMembershipEntity[]> {
    return manager.getRepository(AccountMembershipEntity).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }
}
