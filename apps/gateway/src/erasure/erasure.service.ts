import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ERASED_USER_DISPLAY_NAME,
  erasedUserEmail,
  GatewayEvents,
  GLOBAL_TENANT_ACCOUNT_ID,
  UserErasedData,
  WorkspaceRpc,
} from '@fpms/contracts';
import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { OutboxWriter } from '@fpms/messaging/events';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { Principal, rpcContextFor } from '../auth/principal';
import { PasswordHasher } from '../auth/password-hasher';
import { UsersRepository } from '../auth/users.repository';
import { AccountSecurityRepository } from '../security/account-security.repository';
import { SecondFactor, TwoFactorService } from '../security/two-factor.service';
import { SessionsService } from '../sessions/sessions.service';
import { ErasureError } from './erasure.errors';
import { ErasureRepository } from './erasure.repository';

/**
 * Erasing one's own account (issue 18 part 5). Needs the password and, when two-factor
 * sign-in is on, a current code (or a recovery code). Refused while money is in flight in
 * any workspace the user is a member of (asked of the workspace service, whose milestones
 * carry billing's newest money state). Then, in one transaction: the user's row is
 * pseudonymised, their factors and sessions end, the audit row is written and
 * `gateway.user.erased` is queued in the outbox; every other service erases what it holds
 * from that event, through its inbox.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly security: AccountSecurityRepository,
    private readonly twoFactor: TwoFactorService,
    private readonly sessions: SessionsService,
    private readonly repo: ErasureRepository,
    private readonly outbox: OutboxWriter,
    private readonly rpc: RpcClient,
    private readonly clock: Clock,
  ) {}

  async erase(
    principal: Principal,
    password: string,
    factor: SecondFactor,
    requestId: string,
  ): Promise<{ erased: true; erasedAt: string }> {
    const user = await this.users.findById(this.db.manager, principal.userId);
    if (!user || (await this.repo.isErased(this.db.manager, user.id))) throw AppError.unauthorized('This user no longer exists');
    if (!(await this.hasher.verify(user.passwordHash, password))) throw AccountSecurityError.invalidPassword();
    const twoFactorOn = await this.twoFactor.isEnabled(this.db.manager, user.id);
    if (twoFactorOn && factor.code === undefined && factor.recoveryCode === undefined) throw ErasureError.twoFactorCodeRequired();

    const blockers = await this.rpc.call(WorkspaceRpc.erasureBlockers, {}, rpcContextFor(principal, requestId));
    if (blockers.items.length > 0) throw ErasureError.blocked(blockers.items);

    const outcome = await this.db.transaction(async (m) => {
      await this.security.lockUser(m, user.id);
      if (twoFactorOn && !(await this.twoFactor.verify(m, user.id, factor))) return false;
      const now = this.clock.now();
      const removed = await this.repo.pseudonymiseUser(
        m,
        user.id,
        { email: erasedUserEmail(user.id), displayName: ERASED_USER_DISPLAY_NAME },
        now,
      );
      const sessionsRevoked = await this.sessions.revokeAllOf(m, user.id, 'user_revoked');
      const data: UserErasedData = { userId: user.id, erasedAt: now.toISOString() };
      await this.outbox.add(m, {
        type: GatewayEvents.userErased,
        tenant: { accountId: GLOBAL_TENANT_ACCOUNT_ID },
        aggregateId: user.id,
        aggregateVersion: 0,
        requestId,
        data,
      });
      await this.repo.insertAudit(m, {
        id: randomUUID(),
        userId: user.id,
        erasedAt: now,
        requestId,
        actions: {
          pseudonymised: ['email', 'display_name', 'password_hash', 'email_verified_at'],
          removed,
          sessionsRevoked,
          event: GatewayEvents.userErased,
        },
      });
      return data.erasedAt;
    });
    if (!outcome) throw AccountSecurityError.invalidTwoFactorCode();
    return { erased: true, erasedAt: outcome };
  }
}
