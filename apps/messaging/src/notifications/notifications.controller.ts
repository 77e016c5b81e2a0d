import { Payload } from '@nestjs/microservices';
import { NotificationsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { NotificationsService } from './notifications.service';

type Input<K extends keyof typeof NotificationsRpc> = VerifiedRequest<(typeof NotificationsRpc)[K]>;

/** Thin: every handler acts for the token's user, never for an id in the payload. */
@RpcController()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @RpcHandler(NotificationsRpc.list)
  list(@Payload() rpc: Input<'list'>) {
    return this.notifications.list(rpc.userId, rpc.data);
  }

  @RpcHandler(NotificationsRpc.markRead)
  markRead(@Payload() rpc: Input<'markRead'>) {
    return this.notifications.markRead(rpc.userId, rpc.data.notificationId);
  }

  @RpcHandler(NotificationsRpc.markAllRead)
  markAllRead(@Payload() rpc: Input<'markAllRead'>) {
    return this.notifications.markAllRead(rpc.userId);
  }

  @RpcHandler(NotificationsRpc.getPreferences)
  getPreferences(@Payload() rpc: Input<'getPreferences'>) {
    return this.notifications.getPreferences(rpc.userId);
  }

  @RpcHandler(NotificationsRpc.updatePreferences)
  updatePreferences(@Payload() rpc: Input<'updatePreferences'>) {
    return this.notifications.updatePreferences(rpc.userId, rpc.data);
  }
}
