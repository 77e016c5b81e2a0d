import { Payload } from '@nestjs/microservices';
import { ThreadsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { ReadStateService } from '../read-state/read-state.service';
import { ThreadsService } from './threads.service';

@RpcController()
export class ThreadsController {
  constructor(
    private readonly threads: ThreadsService,
    private readonly reads: ReadStateService,
  ) {}

  @RpcHandler(ThreadsRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.list>) {
    return this.threads.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(ThreadsRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.get>) {
    return this.threads.get(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.listMessages)
  listMessages(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.listMessages>) {
    return this.threads.listMessages(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.post)
  post(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.post>) {
    return this.threads.post(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.edit)
  edit(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.edit>) {
    return this.threads.edit(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.remove)
  remove(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.remove>) {
    return this.threads.remove(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.markRead)
  markRead(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.markRead>) {
    return this.reads.markRead(rpc, rpc.data);
  }

  @RpcHandler(ThreadsRpc.unreadSummary)
  unreadSummary(@Payload() rpc: VerifiedRequest<typeof ThreadsRpc.unreadSummary>) {
    return this.reads.summary(rpc);
  }
}
