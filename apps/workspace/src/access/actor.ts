/** The verified caller of an RPC, as the workspace service sees it. */
export interface Actor {
  userId: string;
  email: string;
  /** The freelancer account the user owns, if any. */
  accountId?: string;
  requestId: string;
  isPlatformAdmin: boolean;
  /** The caller's verified access token, forwarded when this service calls another for them. */
  token: string;
  /** Set on creating requests: the create runs at most once per (user, key). */
  idempotency?: { key: string; requestHash: string };
}
