import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RpcContext } from '@fpms/contracts/rpc/rpc-context';

/** The authenticated caller of an HTTP request, set by AccessTokenGuard. */
export interface Principal {
  userId: string;
  accountId?: string;
  email: string;
  isPlatformAdmin: boolean;
  token: string;
  /** The session (refresh-token family) the access token was issued for. */
  sessionId?: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without AccessTokenGuard');
  return principal;
});

export const RequestId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<Request>().headers['x-request-id'] as string,
);

/** The envelope context for an RPC made on behalf of this caller. */
export function rpcContextFor(
  principal: Principal,
  requestId: string,
  workspaceId?: string,
  idempotency?: RpcContext['idempotency'],
): RpcContext {
  return {
    requestId,
    userId: principal.userId,
    accountId: principal.accountId,
    workspaceId,
    token: principal.token,
    ...(idempotency ? { idempotency } : {}),
  };
}
