import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { EditMessageBody, ListMessagesQuery, MarkReadBody, PostMessageBody, ThreadsRpc } from '@fpms/contracts';
import { ThreadErrorCode, AccessErrorCode, FilesErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const ThreadIdParam = () => IdParam('threadId', ThreadErrorCode.ThreadNotFound, 'Thread');
const MessageIdParam = () => IdParam('messageId', ThreadErrorCode.MessageNotFound, 'Message');

/** Thin: authenticate, rate-limit sends, then forward to the messaging service, which authorizes with the workspace service. */
@Controller('workspaces/:workspaceId/threads')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, ThreadErrorCode, FilesErrorCode)
export class ThreadsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly limits: RateLimitService,
  ) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(ThreadsRpc.list, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':threadId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
  ) {
    return this.rpc.call(ThreadsRpc.get, { workspaceId, threadId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':threadId/messages')
  listMessages(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
    @Query() query: ListMessagesQuery,
  ) {
    return this.rpc.call(ThreadsRpc.listMessages, { workspaceId, threadId, ...query }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':threadId/messages')
  async post(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
    @Body() body: PostMessageBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    await this.limits.consumeMessageSend(workspaceId, p.userId);
    const message = await this.rpc.call(
      ThreadsRpc.post,
      { workspaceId, threadId, ...body },
      rpcContextFor(p, requestId, workspaceId, idem),
    );
    await this.limits.messageSent(workspaceId);
    return message;
  }

  @Patch(':threadId/messages/:messageId')
  edit(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
    @MessageIdParam() messageId: string,
    @Body() body: EditMessageBody,
  ) {
    return this.rpc.call(ThreadsRpc.edit, { workspaceId, threadId, messageId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Delete(':threadId/messages/:messageId')
  remove(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
    @MessageIdParam() messageId: string,
  ) {
    return this.rpc.call(ThreadsRpc.remove, { workspaceId, threadId, messageId }, rpcContextFor(p, requestId, workspaceId));
  }

  /** Moves the caller's read cursor forward (to `messageId`, or to the newest message). */
  @Post(':threadId/read')
  @HttpCode(200)
  markRead(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @ThreadIdParam() threadId: string,
    @Body() body: MarkReadBody,
  ) {
    return this.rpc.call(ThreadsRpc.markRead, { workspaceId, threadId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }
}
