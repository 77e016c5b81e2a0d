import { Body, Controller, Get, HttpCode, Param, PipeTransform, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ListNotificationsQuery, NotificationsRpc, UpdateNotificationPreferencesBody } from '@fpms/contracts';
import { NotificationErrorCode } from '@fpms/contracts/errors';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

/** A notification id is a bigint; anything else names nothing (404, as a foreign id). */
class NotificationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d{1,18}$/.test(value)) throw new AppError(404, NotificationErrorCode.NotificationNotFound, 'Notification not found');
    return value;
  }
}

/** The caller's own notifications and preferences (messaging acts for the token's user only). */
@Controller('me')
@UseGuards(AccessTokenGuard)
@ApiErrors(NotificationErrorCode)
export class MyNotificationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('notifications')
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Query() query: ListNotificationsQuery) {
    return this.rpc.call(NotificationsRpc.list, { ...query }, rpcContextFor(p, requestId));
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  readAll(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(NotificationsRpc.markAllRead, {}, rpcContextFor(p, requestId));
  }

  @Post('notifications/:notificationId/read')
  @HttpCode(200)
  read(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Param('notificationId', new NotificationIdPipe()) notificationId: string,
  ) {
    return this.rpc.call(NotificationsRpc.markRead, { notificationId }, rpcContextFor(p, requestId));
  }

  @Get('notification-preferences')
  preferences(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(NotificationsRpc.getPreferences, {}, rpcContextFor(p, requestId));
  }

  @Put('notification-preferences')
  updatePreferences(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Body() body: UpdateNotificationPreferencesBody) {
    return this.rpc.call(NotificationsRpc.updatePreferences, { ...body }, rpcContextFor(p, requestId));
  }
}
