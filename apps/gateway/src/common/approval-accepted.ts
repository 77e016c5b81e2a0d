import type { Response } from 'express';

/**
 * A milestone action that an approval chain holds back answers 202 Accepted with the request
 * now walking the chain (docs/approvals.md): nothing happened yet. Otherwise the route's own status.
 */
export function acceptedWhenAwaitingApproval<T extends object>(res: Response, answer: T): T {
  if ('approvalRequest' in answer && answer.approvalRequest) res.status(202);
  return answer;
}
