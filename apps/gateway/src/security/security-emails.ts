import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GatewayEvents, GLOBAL_TENANT_ACCOUNT_ID, SecurityEmailKind, UserSecurityEmailData } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { OutboxWriter } from '@fpms/messaging/events';
import { ClientInfo } from '../sessions/client-info';

export const SECURITY_OPTIONS = Symbol('SECURITY_OPTIONS');

export interface SecurityOptions {
  appPublicUrl: string;
  emailVerificationTtlMs: number;
  passwordResetTtlMs: number;
  loginChallengeTtlMs: number;
  ownerTwoFactorRequired: boolean;
  totpEncryptionSecret: string;
}

export interface SecurityEmailRecipient {
  id: string;
  email: string;
  displayName: string;
}

/**
 * Security emails leave through the gateway's outbox as `gateway.user.security_email`,
 * in the transaction of what they tell; messaging turns each into an email at once
 * (its email outbox, then SMTP). Links carry their token in plain text: the gateway keeps
 * only its hash (docs/decisions.md, "Security emails").
 */
@Injectable()
export class SecurityEmails {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
  ) {}

  link(path: string, token: string): string {
    const url = new URL(path, this.options.appPublicUrl.endsWith('/') ? this.options.appPublicUrl : `${this.options.appPublicUrl}/`);
    url.searchParams.set('token', token);
    return url.toString();
  }

  async send(
    manager: EntityManager,
    user: SecurityEmailRecipient,
    kind: SecurityEmailKind,
    extra: { to?: string; link?: string; expiresAt?: Date; client?: ClientInfo; newEmail?: string; requestId?: string } = {},
  ): Promise<void> {
    const data: UserSecurityEmailData = {
      userId: user.id,
      kind,
      to: extra.to ?? user.email,
      displayName: user.displayName,
      ...(extra.link ? { link: extra.link } : {}),
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt.toISOString() } : {}),
      ...(extra.client?.userAgent ? { device: extra.client.userAgent } : {}),
      ...(extra.client?.ip ? { ip: extra.client.ip } : {}),
      ...(extra.newEmail ? { newEmail: extra.newEmail } : {}),
      occurredAt: this.clock.now().toISOString(),
    };
    await this.outbox.add(manager, {
      type: GatewayEvents.userSecurityEmail,
      tenant: { accountId: GLOBAL_TENANT_ACCOUNT_ID },
      aggregateId: user.id,
      aggregateVersion: 0,
      requestId: extra.requestId,
      data,
    });
  }

  async emailChanged(manager: EntityManager, userId: string, email: string, requestId?: string): Promise<void> {
    await this.outbox.add(manager, {
      type: GatewayEvents.userEmailChanged,
      tenant: { accountId: GLOBAL_TENANT_ACCOUNT_ID },
      aggregateId: userId,
      aggregateVersion: 0,
      requestId,
      data: { userId, email },
    });
  }
}
