import { Payload } from '@nestjs/microservices';
import { TasksRpc, TaskStatusView } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRpc } from '@fpms/messaging';
import { TaskFields } from './tasks.repository';
import { TasksService } from './tasks.service';

@RpcController()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @RpcHandler(TasksRpc.listStatuses)
  listStatuses(@Payload() rpc: VerifiedRpc<{ workspaceId: string }>) {
    return this.tasks.listStatuses(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TasksRpc.replaceStatuses)
  replaceStatuses(@Payload() rpc: VerifiedRpc<{ workspaceId: string; statuses: Omit<TaskStatusView, 'position'>[] }>) {
    return this.tasks.replaceStatuses(rpc, rpc.data.workspaceId, rpc.data.statuses);
  }

  @RpcHandler(TasksRpc.create)
  create(
    @Payload()
    rpc: VerifiedRpc<{
      workspaceId: string;
      title: string;
      description?: string;
      milestoneId?: string;
      status?: string;
      assigneeUserId?: string;
      dueDate?: string;
    }>,
  ) {
    const { workspaceId, ...input } = rpc.data;
    return this.tasks.create(rpc, workspaceId, input);
  }

  @RpcHandler(TasksRpc.list)
  list(
    @Payload()
    rpc: VerifiedRpc<{
      workspaceId: string;
      limit: number;
      before?: string;
      status?: string;
      milestoneId?: string;
      assigneeUserId?: string;
      overdue?: boolean;
    }>,
  ) {
    const { workspaceId, ...q } = rpc.data;
    return this.tasks.list(rpc, workspaceId, q);
  }

  @RpcHandler(TasksRpc.get)
  get(@Payload() rpc: VerifiedRpc<{ workspaceId: string; taskId: string }>) {
    return this.tasks.get(rpc, rpc.data.workspaceId, rpc.data.taskId);
  }

  @RpcHandler(TasksRpc.update)
  update(@Payload() rpc: VerifiedRpc<{ workspaceId: string; taskId: string; expectedVersion?: number } & TaskFields>) {
    const { workspaceId, taskId, ...changes } = rpc.data;
    return this.tasks.update(rpc, workspaceId, taskId, changes);
  }

  @RpcHandler(TasksRpc.remove)
  remove(@Payload() rpc: VerifiedRpc<{ workspaceId: string; taskId: string }>) {
    return this.tasks.remove(rpc, rpc.data.workspaceId, rpc.data.taskId);
  }
}
