import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { TasksRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { CreateTaskDto, ListTasksQueryDto, ReplaceTaskStatusesDto, UpdateTaskDto } from './dto/task.dto';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { TaskErrorCode } from '@fpms/contracts/errors';

const TaskIdParam = () => IdParam('taskId', TaskErrorCode.TaskNotFound, 'Task');

@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
export class TasksController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('task-statuses')
  listStatuses(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TasksRpc.listStatuses, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Put('task-statuses')
  replaceStatuses(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: ReplaceTaskStatusesDto,
  ) {
    return this.rpc.call(TasksRpc.replaceStatuses, { workspaceId, statuses: body.statuses }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post('tasks')
  create(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateTaskDto,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(TasksRpc.create, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get('tasks')
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() q: ListTasksQueryDto,
  ) {
    return this.rpc.call(TasksRpc.list, { workspaceId, ...q, limit: q.limit ?? 50 }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get('tasks/:taskId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @TaskIdParam() taskId: string,
  ) {
    return this.rpc.call(TasksRpc.get, { workspaceId, taskId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Patch('tasks/:taskId')
  update(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @TaskIdParam() taskId: string,
    @Body() body: UpdateTaskDto,
  ) {
    return this.rpc.call(TasksRpc.update, { workspaceId, taskId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Delete('tasks/:taskId')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @TaskIdParam() taskId: string,
  ) {
    await this.rpc.call(TasksRpc.remove, { workspaceId, taskId }, rpcContextFor(p, requestId, workspaceId));
  }
}
