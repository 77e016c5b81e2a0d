import { Controller, Get, Header, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GatewayEvents, GLOBAL_TENANT_ACCOUNT_ID, UnsubscribeClaim, verifyUnsubscribeToken } from '@fpms/contracts';
import { NotificationErrorCode } from '@fpms/contracts/errors';
import { AppError } from '@fpms/common/errors/app-error';
import { OutboxWriter } from '@fpms/messaging/events';
import { escapeHtml } from './unsubscribe-page';
import { ApiErrors, ApiTextContent } from '@fpms/common/openapi/api-docs';

export const UNSUBSCRIBE_SECRET = Symbol('UNSUBSCRIBE_SECRET');

/**
 * Email unsubscribe links (no login: the signed token is the authority). POST is RFC 8058's
 * one-click (`List-Unsubscribe=One-Click` from the mail client, or the page's button); the
 * gateway verifies the token and records the request in its outbox, and messaging applies it.
 * GET only shows a confirmation page: mail scanners fetch links, and a fetch must not
 * unsubscribe anyone.
 */
@Controller('unsubscribe')
@ApiErrors(NotificationErrorCode)
export class UnsubscribeController {
  constructor(
    @Inject(UNSUBSCRIBE_SECRET) private readonly secret: string,
    private readonly outbox: OutboxWriter,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get(':token')
  @Header('Cache-Control', 'no-store')
  @ApiTextContent('text/html')
  page(@Param('token') token: string, @Res({ passthrough: true }) res: Response): string {
    const claim = this.verify(token);
    // HTML only for a genuine link: errors stay the JSON error model.
    res.type('html');
    const what = claim.scope === 'all' ? 'all notification emails' : `emails about ${claim.scope.replace(/[._]/g, ' ')}`;
    return `<!doctype html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
<p>Stop receiving ${escapeHtml(what)}?</p>
<form method="post" action="${escapeHtml(encodeURIComponent(token))}"><button type="submit">Unsubscribe</button></form>
</body></html>`;
  }

  @Post(':token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string): Promise<{ unsubscribed: true; scope: string }> {
    const claim = this.verify(token);
    await this.db.transaction((manager) =>
      this.outbox.add(manager, {
        type: GatewayEvents.userEmailUnsubscribed,
        tenant: { accountId: GLOBAL_TENANT_ACCOUNT_ID },
        aggregateId: claim.userId,
        aggregateVersion: 0,
        data: { userId: claim.userId, scope: claim.scope },
      }),
    );
    return { unsubscribed: true, scope: claim.scope };
  }

  private verify(token: string): UnsubscribeClaim {
    const claim = verifyUnsubscribeToken(token, this.secret);
    if (!claim) throw new AppError(404, NotificationErrorCode.UnsubscribeLinkInvalid, 'Unsubscribe link not found');
    return claim;
  }
}
