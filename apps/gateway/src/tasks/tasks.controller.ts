import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CreateTaskBody, ListTasksQuery, ReplaceTaskStatusesBody, TasksRpc, UpdateTaskBody } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { TaskErrorCode, AccessErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const TaskIdParam = () => IdParam('taskId', TaskErrorCode.TaskNotFound, 'Task');

@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, TaskErrorCode)
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
    @Body() body: ReplaceTaskStatusesBody,
  ) {
    return this.rpc.call(TasksRpc.replaceStatuses, { workspaceId, statuses: body.statuses }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post('tasks')
  create(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateTaskBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(TasksRpc.create, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get('tasks')
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() q: ListTasksQuery,
  ) {
    return this.rpc.call(TasksRpc.list, { workspaceId, ...q }, rpcContextFor(p, requestId, workspaceId));
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
    @Body() body: UpdateTaskBody,
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
