import type { RpcRequest } from '@fpms/contracts/rpc/rpc-pattern';

/** What an RPC handler receives once the envelope, token and data have been checked. */
export interface VerifiedRpc<TData> {
  requestId: string;
  userId: string;
  /** The account the verified token acts for (absent for a user with no account yet). */
  accountId?: string;
  workspaceId?: string;
  email: string;
  /** Platform admin per the token; still needs an audited override to cross tenants. */
  isPlatformAdmin: boolean;
  /** The verified access token, to forward when this service calls another on the caller's behalf. */
  token: string;
  /** Idempotency key and request hash of a creating request (see rpc-context). */
  idempotency?: { key: string; requestHash: string };
  data: TData;
}

/** What the handler of pattern `P` receives: the verified caller and `P`'s validated request. */
export type VerifiedRequest<P> = VerifiedRpc<RpcRequest<P>>;
