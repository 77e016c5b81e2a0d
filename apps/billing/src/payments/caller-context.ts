import type { RpcContext } from '@fpms/contracts';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';

/** The context billing forwards when it asks another service on the caller's behalf (their token, their request id). */
export function callerContext(caller: VerifiedRpc<unknown>, workspaceId: string): RpcContext {
  return { requestId: caller.requestId, userId: caller.userId, accountId: caller.accountId, workspaceId, token: caller.token };
}
