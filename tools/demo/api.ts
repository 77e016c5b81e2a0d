import type {
  AccountDashboardView,
  AccountView,
  ConnectStateView,
  CreatedInvitationView,
  CreatedUploadView,
  EarningsGrouping,
  EarningsReportView,
  FileView,
  FundingAwaitingApproval,
  FundingView,
  MessageView,
  MilestoneCommandResult,
  MilestoneView,
  MyWorkspaceView,
  OnboardingLinkView,
  PaymentView,
  PayoutListView,
  RefundRequestView,
  ThreadView,
  WorkspaceDashboardView,
  WorkspaceView,
} from '@fpms/contracts';
import { callJson, HttpRequest } from './http';

/**
 * A small typed client of the public API (`/api/v1`), one method per call, for the demo.
 * Request and answer shapes are the contracts' views (libs/contracts) and the README's API
 * table; when the generated client (libs/api-client, openapi-fetch) lands, each method becomes
 * one `client.POST('/api/v1/…')` call and the story (story.ts) does not change.
 */
export interface TokenPair {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export interface SignupAnswer extends TokenPair {
  user: { id: string; email: string; name: string };
  account: AccountView;
}

export interface InvitedSignupAnswer extends TokenPair {
  user: { id: string; email: string; name: string };
  /** null for an invitation bound to an address: accept it once the address is verified. */
  workspace: WorkspaceView | null;
}

export type LoginAnswer = TokenPair | { twoFactorRequired: true; challengeToken: string; expiresIn: number };

export interface MeView {
  user: { id: string; email: string; name: string; emailVerified: boolean; twoFactorEnabled: boolean };
  accounts: Array<AccountView & { standing: string }>;
  workspaces: Array<{ id: string; name: string; role: string }>;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface NewMilestone {
  title: string;
  description?: string;
  amount: number;
  currency: string;
  billing?: 'escrow' | 'on_approval';
}

const ws = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const ms = (workspaceId: string, milestoneId: string) => `${ws(workspaceId)}/milestones/${encodeURIComponent(milestoneId)}`;

export class FpmsApi {
  constructor(readonly gatewayUrl: string) {}

  private call<T>(req: HttpRequest): Promise<T> {
    return callJson<T>(this.gatewayUrl, req);
  }

  health(): Promise<{ status: string }> {
    return this.call({ method: 'GET', path: '/health/ready' });
  }

  // --- sign-up, sign-in, account security ---------------------------------------------

  signUp(body: { email: string; password: string; name: string; accountName?: string }): Promise<SignupAnswer> {
    return this.call({ method: 'POST', path: '/api/v1/auth/signup', body });
  }
  logIn(body: { email: string; password: string }): Promise<LoginAnswer> {
    return this.call({ method: 'POST', path: '/api/v1/auth/login', body });
  }
  logInSecondFactor(body: { challengeToken: string; code: string }): Promise<TokenPair> {
    return this.call({ method: 'POST', path: '/api/v1/auth/login/2fa', body });
  }
  logOut(refreshToken: string): Promise<void> {
    return this.call({ method: 'POST', path: '/api/v1/auth/logout', body: { refreshToken } });
  }
  verifyEmail(token: string): Promise<{ emailVerified: true }> {
    return this.call({ method: 'POST', path: '/api/v1/auth/verify-email', body: { token } });
  }
  me(token: string): Promise<MeView> {
    return this.call({ method: 'GET', path: '/api/v1/me', token });
  }
  startTotpEnrolment(token: string): Promise<TotpEnrolment> {
    return this.call({ method: 'POST', path: '/api/v1/me/2fa/totp', token, body: {} });
  }
  confirmTotp(token: string, code: string): Promise<{ enabled: true; recoveryCodes: string[] }> {
    return this.call({ method: 'POST', path: '/api/v1/me/2fa/totp/confirm', token, body: { code } });
  }

  // --- Stripe Connect (the freelancer's payouts) ----------------------------------------

  connectState(token: string): Promise<ConnectStateView> {
    return this.call({ method: 'GET', path: '/api/v1/billing/connect', token });
  }
  startConnectOnboarding(token: string): Promise<OnboardingLinkView> {
    return this.call({ method: 'POST', path: '/api/v1/billing/connect/onboarding', token, body: {} });
  }

  // --- workspaces and invitations -------------------------------------------------------

  createWorkspace(token: string, body: { name: string; clientName?: string }): Promise<WorkspaceView> {
    return this.call({ method: 'POST', path: '/api/v1/workspaces', token, body });
  }
  inviteToWorkspace(
    token: string,
    workspaceId: string,
    body: { role: 'client_admin' | 'client_viewer' | 'collaborator'; email?: string; maxUses?: number },
  ): Promise<CreatedInvitationView> {
    return this.call({ method: 'POST', path: `${ws(workspaceId)}/invitations`, token, body });
  }
  signUpThroughInvitation(invitationToken: string, body: { email: string; password: string; name: string }): Promise<InvitedSignupAnswer> {
    return this.call({ method: 'POST', path: `/api/v1/invitations/${encodeURIComponent(invitationToken)}/signup`, body });
  }
  acceptInvitation(token: string, invitationToken: string): Promise<MyWorkspaceView> {
    return this.call({ method: 'POST', path: `/api/v1/invitations/${encodeURIComponent(invitationToken)}/accept`, token, body: {} });
  }
  members(token: string, workspaceId: string): Promise<{ items: Array<{ userId: string; email: string; role: string }> }> {
    return this.call({ method: 'GET', path: `${ws(workspaceId)}/members`, token });
  }

  // --- milestones and money -------------------------------------------------------------

  createMilestone(token: string, workspaceId: string, body: NewMilestone): Promise<MilestoneView> {
    return this.call({ method: 'POST', path: `${ws(workspaceId)}/milestones`, token, body });
  }
  milestone(token: string, workspaceId: string, milestoneId: string): Promise<MilestoneView> {
    return this.call({ method: 'GET', path: ms(workspaceId, milestoneId), token });
  }
  /** propose (freelancer), accept / approve / request-refund (client): the milestone, or an approval request a chain holds it in. */
  milestoneCommand(
    token: string,
    workspaceId: string,
    milestoneId: string,
    command: 'propose' | 'accept' | 'approve' | 'request-refund',
    note?: string,
  ): Promise<MilestoneCommandResult> {
    return this.call({ method: 'POST', path: `${ms(workspaceId, milestoneId)}/${command}`, token, body: note ? { note } : {} });
  }
  submitMilestone(token: string, workspaceId: string, milestoneId: string, body: { deliverableFileVersionId: string; note?: string }) {
    return this.call<MilestoneCommandResult>({ method: 'POST', path: `${ms(workspaceId, milestoneId)}/submit`, token, body });
  }
  fundMilestone(token: string, workspaceId: string, milestoneId: string): Promise<FundingView | FundingAwaitingApproval> {
    return this.call({ method: 'POST', path: `${ms(workspaceId, milestoneId)}/fund`, token });
  }
  payment(token: string, workspaceId: string, milestoneId: string): Promise<PaymentView> {
    return this.call({ method: 'GET', path: `${ms(workspaceId, milestoneId)}/payment`, token });
  }
  contestRefundRequest(token: string, workspaceId: string, milestoneId: string, note: string): Promise<RefundRequestView> {
    return this.call({ method: 'POST', path: `${ms(workspaceId, milestoneId)}/refund-request/contest`, token, body: { note } });
  }

  // --- files (presigned uploads) ----------------------------------------------------------

  createUpload(
    token: string,
    workspaceId: string,
    body: { name: string; size: number; contentType: string; sha256?: string },
  ): Promise<CreatedUploadView> {
    return this.call({ method: 'POST', path: `${ws(workspaceId)}/files`, token, body });
  }
  completeUpload(token: string, workspaceId: string, fileId: string, versionId: string): Promise<FileView> {
    return this.call({
      method: 'POST',
      path: `${ws(workspaceId)}/files/${encodeURIComponent(fileId)}/versions/${encodeURIComponent(versionId)}/complete`,
      token,
      body: {},
    });
  }

  // --- messages ----------------------------------------------------------------------------

  threads(token: string, workspaceId: string): Promise<{ items: ThreadView[] }> {
    return this.call({ method: 'GET', path: `${ws(workspaceId)}/threads`, token });
  }
  postMessage(
    token: string,
    workspaceId: string,
    threadId: string,
    body: { text: string; attachments?: Array<{ fileId: string; versionId: string }> },
  ): Promise<MessageView> {
    return this.call({ method: 'POST', path: `${ws(workspaceId)}/threads/${encodeURIComponent(threadId)}/messages`, token, body });
  }
  messages(token: string, workspaceId: string, threadId: string): Promise<{ items: MessageView[] }> {
    return this.call({ method: 'GET', path: `${ws(workspaceId)}/threads/${encodeURIComponent(threadId)}/messages`, token });
  }

  // --- dashboards and earnings -------------------------------------------------------------

  workspaceDashboard(token: string, workspaceId: string): Promise<WorkspaceDashboardView> {
    return this.call({ method: 'GET', path: `${ws(workspaceId)}/dashboard`, token });
  }
  accountDashboard(token: string, accountId: string): Promise<AccountDashboardView> {
    return this.call({ method: 'GET', path: `/api/v1/accounts/${encodeURIComponent(accountId)}/dashboard`, token });
  }
  earnings(token: string, query: { from: string; to: string; groupBy?: EarningsGrouping }): Promise<EarningsReportView> {
    return this.call({ method: 'GET', path: '/api/v1/reports/earnings', token, query });
  }
  payouts(token: string): Promise<PayoutListView> {
    return this.call({ method: 'GET', path: '/api/v1/billing/payouts', token });
  }
}
