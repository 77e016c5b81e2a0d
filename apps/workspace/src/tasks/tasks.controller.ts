import { Payload } from '@nestjs/microservices';
import { TasksRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { TasksService } from './tasks.service';

@RpcController()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @RpcHandler(TasksRpc.listStatuses)
  listStatuses(@Payload() rpc: VerifiedRequest<typeof TasksRpc.listStatuses>) {
    return this.tasks.listStatuses(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TasksRpc.replaceStatuses)
  replaceStatuses(@Payload() rpc: VerifiedRequest<typeof TasksRpc.replaceStatuses>) {
    return this.tasks.replaceStatuses(rpc, rpc.data.workspaceId, rpc.data.statuses);
  }

  @RpcHandler(TasksRpc.create)
  create(@Payload() rpc: VerifiedRequest<typeof TasksRpc.create>) {
    const { workspaceId, ...input } = rpc.data;
    return this.tasks.create(rpc, workspaceId, input);
  }

  @RpcHandler(TasksRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof TasksRpc.list>) {
    const { workspaceId, ...q } = rpc.data;
    return this.tasks.list(rpc, workspaceId, q);
  }

  @RpcHandler(TasksRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof TasksRpc.get>) {
    return this.tasks.get(rpc, rpc.data.workspaceId, rpc.data.taskId);
  }

  @RpcHandler(TasksRpc.update)
  update(@Payload() rpc: VerifiedRequest<typeof TasksRpc.update>) {
    const { workspaceId, taskId, ...changes } = rpc.data;
    return this.tasks.update(rpc, workspaceId, taskId, changes);
  }

  @RpcHandler(TasksRpc.remove)
  remove(@Payload() rpc: VerifiedRequest<typeof TasksRpc.remove>) {
    return this.tasks.remove(rpc, rpc.data.workspaceId, rpc.data.taskId);
  }
}
