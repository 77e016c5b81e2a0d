import { createFpmsClient, type components, type FpmsClient } from '@fpms/api-client';
import { ApiError, callJson } from './http';

/**
 * The demo's calls to the public API (`/api/v1`), one method per call, each one call of the
 * generated typed client (libs/api-client: openapi-fetch over the `paths` of docs/openapi.json),
 * so the paths, parameters, bodies and answers are the document's and the compiler checks them.
 * A call that does not answer 2xx throws an ApiError naming the route, status, error code,
 * message and request id. story.ts tells the engagement through these methods.
 */
type Schemas = components['schemas'];

export type TokenPair = Schemas['TokenResponse'];
export type LoginAnswer = Schemas['TokenResponse'] | Schemas['TwoFactorChallengeResponse'];
export type MilestoneView = Schemas['MilestoneView'];
export type FundingView = Schemas['FundingView'];
export type FundingAwaitingApproval = Schemas['FundingAwaitingApproval'];
export type CreatedUploadView = Schemas['CreatedUploadView'];
export type MilestoneCommand = 'propose' | 'accept' | 'approve' | 'request-refund';
/** The invitation's `maxUses` and `expiresInHours` have server defaults (1, 168 h): optional here. */
export type NewInvitation = Schemas['CreateInvitationBody'];

const REQUEST_TIMEOUT_MS = 30_000;

/** The request each response answered, so a failure names its method and route. */
const requestOf = new WeakMap<Response, Request>();

async function sendWithTimeout(request: Request): Promise<Response> {
  const response = await fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  requestOf.set(response, request);
  return response;
}

interface Answered<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The method and route a response answered, e.g. `POST /api/v1/workspaces/…/fund`. */
function sentAs(response: Response): { method: string; route: string } {
  const request = requestOf.get(response);
  return { method: request?.method ?? '?', route: new URL(request?.url ?? response.url).pathname };
}

function failure(answered: Answered<unknown>): ApiError {
  const { method, route } = sentAs(answered.response);
  const code = (answered.error as { error?: { code?: string } } | undefined)?.error?.code;
  return new ApiError(method, route, answered.response.status, code, answered.error);
}

/** The documented success body of a call, or an ApiError. */
async function body<T>(call: Promise<Answered<T>>): Promise<T> {
  const answered = await call;
  if (!answered.response.ok) throw failure(answered);
  if (answered.data === undefined) {
    const { method, route } = sentAs(answered.response);
    throw new ApiError(method, route, answered.response.status, undefined, '(an empty body where the document promises one)');
  }
  return answered.data;
}

/** A call answered without a body (204), or an ApiError. */
async function done(call: Promise<Answered<unknown>>): Promise<void> {
  const answered = await call;
  if (!answered.response.ok) throw failure(answered);
}

export class FpmsApi {
  private readonly clients = new Map<string, FpmsClient>();

  constructor(readonly gatewayUrl: string) {}

  /** The typed client for one session (a token), or anonymous. */
  private as(token?: string): FpmsClient {
    const key = token ?? '';
    let client = this.clients.get(key);
    if (!client) {
      client = createFpmsClient(this.gatewayUrl, token, { fetch: sendWithTimeout, headers: { 'user-agent': 'fpms-demo' } });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The readiness probe is an operations endpoint outside `/api/v1` and the document: plain HTTP. */
  health(): Promise<{ status: string }> {
    return callJson(this.gatewayUrl, { method: 'GET', path: '/health/ready' });
  }

  // --- sign-up, sign-in, account security ---------------------------------------------

  signUp(signup: Schemas['SignupBody']) {
    return body(this.as().POST('/api/v1/auth/signup', { body: signup }));
  }
  logIn(credentials: Schemas['LoginBody']): Promise<LoginAnswer> {
    return body(this.as().POST('/api/v1/auth/login', { body: credentials }));
  }
  logInSecondFactor(secondFactor: { challengeToken: string; code: string }): Promise<TokenPair> {
    return body(this.as().POST('/api/v1/auth/login/2fa', { body: secondFactor }));
  }
  logOut(refreshToken: string): Promise<void> {
    return done(this.as().POST('/api/v1/auth/logout', { body: { refreshToken } }));
  }
  verifyEmail(token: string) {
    return body(this.as().POST('/api/v1/auth/verify-email', { body: { token } }));
  }
  me(token: string) {
    return body(this.as(token).GET('/api/v1/me'));
  }
  startTotpEnrolment(token: string) {
    return body(this.as(token).POST('/api/v1/me/2fa/totp'));
  }
  confirmTotp(token: string, code: string) {
    return body(this.as(token).POST('/api/v1/me/2fa/totp/confirm', { body: { code } }));
  }

  // --- Stripe Connect (the freelancer's payouts) ----------------------------------------

  connectState(token: string) {
    return body(this.as(token).GET('/api/v1/billing/connect'));
  }
  startConnectOnboarding(token: string) {
    return body(this.as(token).POST('/api/v1/billing/connect/onboarding'));
  }

  // --- workspaces and invitations -------------------------------------------------------

  createWorkspace(token: string, workspace: Schemas['CreateWorkspaceBody']) {
    return body(this.as(token).POST('/api/v1/workspaces', { body: workspace }));
  }
  inviteToWorkspace(token: string, workspaceId: string, invitation: NewInvitation) {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/invitations', { params: { path: { workspaceId } }, body: invitation }),
    );
  }
  signUpThroughInvitation(invitationToken: string, user: Schemas['NewUserBody']) {
    return body(this.as().POST('/api/v1/invitations/{token}/signup', { params: { path: { token: invitationToken } }, body: user }));
  }
  acceptInvitation(token: string, invitationToken: string) {
    return body(this.as(token).POST('/api/v1/invitations/{token}/accept', { params: { path: { token: invitationToken } } }));
  }
  members(token: string, workspaceId: string) {
    return body(this.as(token).GET('/api/v1/workspaces/{workspaceId}/members', { params: { path: { workspaceId } } }));
  }

  // --- milestones and money -------------------------------------------------------------

  createMilestone(token: string, workspaceId: string, milestone: Schemas['CreateMilestoneBody']) {
    return body(this.as(token).POST('/api/v1/workspaces/{workspaceId}/milestones', { params: { path: { workspaceId } }, body: milestone }));
  }
  milestone(token: string, workspaceId: string, milestoneId: string) {
    return body(
      this.as(token).GET('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}', { params: { path: { workspaceId, milestoneId } } }),
    );
  }
  /** propose (freelancer), accept / approve / request-refund (client): the milestone, or an approval request a chain holds it in. */
  milestoneCommand(token: string, workspaceId: string, milestoneId: string, command: MilestoneCommand, note?: string) {
    const path = { workspaceId, milestoneId };
    const init = { params: { path }, body: note ? { note } : {} };
    const client = this.as(token);
    switch (command) {
      case 'propose':
        return body(client.POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/propose', init));
      case 'accept':
        return body(client.POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/accept', init));
      case 'approve':
        return body(client.POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/approve', init));
      case 'request-refund':
        return body(client.POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/request-refund', init));
    }
  }
  submitMilestone(token: string, workspaceId: string, milestoneId: string, submission: Schemas['SubmitMilestoneBody']) {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/submit', {
        params: { path: { workspaceId, milestoneId } },
        body: submission,
      }),
    );
  }
  fundMilestone(token: string, workspaceId: string, milestoneId: string): Promise<FundingView | FundingAwaitingApproval> {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/fund', {
        params: { path: { workspaceId, milestoneId } },
      }),
    );
  }
  payment(token: string, workspaceId: string, milestoneId: string) {
    return body(
      this.as(token).GET('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/payment', {
        params: { path: { workspaceId, milestoneId } },
      }),
    );
  }
  contestRefundRequest(token: string, workspaceId: string, milestoneId: string, note: string) {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/milestones/{milestoneId}/refund-request/contest', {
        params: { path: { workspaceId, milestoneId } },
        body: { note },
      }),
    );
  }

  // --- files (presigned uploads) ----------------------------------------------------------

  createUpload(token: string, workspaceId: string, upload: Schemas['CreateUploadBody']): Promise<CreatedUploadView> {
    return body(this.as(token).POST('/api/v1/workspaces/{workspaceId}/files', { params: { path: { workspaceId } }, body: upload }));
  }
  completeUpload(token: string, workspaceId: string, fileId: string, versionId: string) {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/files/{fileId}/versions/{versionId}/complete', {
        params: { path: { workspaceId, fileId, versionId } },
        body: {},
      }),
    );
  }

  // --- messages ----------------------------------------------------------------------------

  threads(token: string, workspaceId: string) {
    return body(this.as(token).GET('/api/v1/workspaces/{workspaceId}/threads', { params: { path: { workspaceId } } }));
  }
  postMessage(token: string, workspaceId: string, threadId: string, message: Schemas['PostMessageBody']) {
    return body(
      this.as(token).POST('/api/v1/workspaces/{workspaceId}/threads/{threadId}/messages', {
        params: { path: { workspaceId, threadId } },
        body: message,
      }),
    );
  }
  messages(token: string, workspaceId: string, threadId: string) {
    return body(
      this.as(token).GET('/api/v1/workspaces/{workspaceId}/threads/{threadId}/messages', { params: { path: { workspaceId, threadId } } }),
    );
  }

  // --- dashboards and earnings -------------------------------------------------------------

  workspaceDashboard(token: string, workspaceId: string) {
    return body(this.as(token).GET('/api/v1/workspaces/{workspaceId}/dashboard', { params: { path: { workspaceId } } }));
  }
  accountDashboard(token: string, accountId: string) {
    return body(this.as(token).GET('/api/v1/accounts/{accountId}/dashboard', { params: { path: { accountId } } }));
  }
  async earnings(token: string, query: { from: string; to: string; groupBy?: Schemas['EarningsReportView']['groupBy'] }) {
    // The route answers JSON or CSV (`format`): without `format=csv` it is the JSON report.
    const report = await body(this.as(token).GET('/api/v1/reports/earnings', { params: { query } }));
    if (typeof report === 'string') throw new Error(`GET /api/v1/reports/earnings answered CSV where the JSON report was asked for`);
    return report;
  }
  payouts(token: string) {
    return body(this.as(token).GET('/api/v1/billing/payouts'));
  }
}
