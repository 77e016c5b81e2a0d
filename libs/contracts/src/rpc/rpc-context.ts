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
  /**
   * For creating requests: the client's Idempotency-Key (or one the gateway made per
   * request) and a sha256 of method, path and body. The owning service stores it with
   * the creation, scoped to the verified user, so a retry or a redelivery creates once.
   */
  idempotency: z.object({ key: z.string().min(1).max(255), requestHash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});
export type RpcContext = z.infer<typeof rpcContextSchema>;

export const rpcEnvelopeSchema = z.object({ ctx: rpcContextSchema, data: z.unknown() });
