import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { AppError } from '@fpms/common/errors/app-error';
import { AuthenticatedRequest } from '../auth/principal';
import { AccountSecurityRepository } from './account-security.repository';
import { SECURITY_OPTIONS, SecurityOptions } from './security-emails';

const MONEY_ACTION = Symbol('MONEY_ACTION');

interface MoneyActionRule {
  /** Payouts and refunds: an account owner needs two-factor sign-in first (OWNER_2FA_REQUIRED). */
  ownerTwoFactor: boolean;
}

/**
 * The gate on money actions (issue 18): the caller's email must be verified (403
 * `email_not_verified`), and for payouts and refunds an account owner must have enabled
 * two-factor sign-in (403 `two_factor_required`). The gateway decides: it owns users and
 * knows the route; the state is read fresh from its database on each such request, so
 * verifying or enabling 2FA counts at once, without a token refresh. Runs after
 * AccessTokenGuard (class-level guards run first); the service still applies its roles.
 */
@Injectable()
export class MoneyActionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AccountSecurityRepository,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<MoneyActionRule | undefined>(MONEY_ACTION, context.getHandler());
    if (!rule) return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw AppError.unauthorized();
    const standing = await this.repo.standing(this.db.manager, principal.userId);
    if (!standing) throw AppError.unauthorized('This user no longer exists');
    if (!standing.emailVerified) throw AccountSecurityError.emailNotVerified();
    // `acc` names the account the caller owns: the owner rule concerns them only.
    if (rule.ownerTwoFactor && this.options.ownerTwoFactorRequired && principal.accountId && !standing.twoFactorEnabled)
      throw AccountSecurityError.twoFactorRequired();
    return true;
  }
}

/** Marks a route as a money action (see MoneyActionGuard). */
export const MoneyAction = (rule: Partial<MoneyActionRule> = {}) =>
  applyDecorators(SetMetadata(MONEY_ACTION, { ownerTwoFactor: rule.ownerTwoFactor ?? false }), UseGuards(MoneyActionGuard));
