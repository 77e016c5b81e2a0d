import { z } from 'zod';

/**
 * Who is asking, forwarded with every RPC. The receiving service re-verifies `token`
 * with the gateway's public key and trusts the other fields only if they match it.
 */
export const rpcContextSchema = z.object({
  requestId: z.string().min(1),
  userId: z.uuid(),
  accountId: z.uuid().optional(),
  workspaceId: z.uuid().optional(),
  role: z.string().optional(),
  token: z.string().min(1),
});
export type RpcContext = z.infer<typeof rpcContextSchema>;

export const rpcEnvelopeSchema = z.object({ ctx: rpcContextSchema, data: z.unknown() });
export interface RpcEnvelope<TData = unknown> {
  ctx: RpcContext;
  data: TData;
}
