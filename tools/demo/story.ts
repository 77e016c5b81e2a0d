import { randomBytes } from 'node:crypto';
import { FpmsApi, type FundingAwaitingApproval, type FundingView, type LoginAnswer, type MilestoneView, type TokenPair } from './api';
import { Authenticator } from './authenticator';
import { follow, payOnCheckoutPage, uploadFile } from './browser';
import { LocalInbox, linkIn } from './inbox';
import { money, Reporter, until } from './report';

export interface DemoTargets {
  /** The gateway's origin (the API is under /api/v1). */
  gatewayUrl: string;
  /** The local mail sink's web inbox, where the verification emails arrive. */
  inboxUrl: string;
}

const CURRENCY = 'EUR';
const DESIGN_AMOUNT = 250_000; // €2,500.00
const SITE_AMOUNT = 80_000; // €800.00

/** A person of the story: their address, password and the tokens of their current session. */
interface Person {
  name: string;
  email: string;
  password: string;
  userId: string;
  session: TokenPair;
}

const isFunding = (answer: FundingView | FundingAwaitingApproval): answer is FundingView => 'checkoutUrl' in answer;

/**
 * One engagement, start to finish, through the public API of a running `npm start`, as the two
 * people in it would go through the app: every call is the product's own, no database or
 * service is touched behind its back. Stripe (the emulator) and the inbox (the mail sink) are
 * used the way a browser and a mail client would: following links and pressing Pay.
 */
export async function runDemo(targets: DemoTargets, report: Reporter = new Reporter()): Promise<void> {
  const api = new FpmsApi(targets.gatewayUrl);
  const inbox = new LocalInbox(targets.inboxUrl);
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  // The earnings report's first day: the run's own (UTC), so a run across midnight still counts everything.
  const firstDay = new Date().toISOString().slice(0, 10);
  const password = `demo ${randomBytes(9).toString('base64url')}`;
  const freelancerEmail = `fiona.${run}@demo.fpms.test`;
  const clientEmail = `carlos.${run}@demo.fpms.test`;

  report.line(`FPMS demo: one engagement through ${targets.gatewayUrl}/api/v1 (emails read from ${targets.inboxUrl})`);
  report.line();

  await report.step('The platform answers', async (say) => {
    const unreachable = (what: string, url: string) => (error: unknown) => {
      throw new Error(`${what} at ${url} does not answer (is \`npm start\` running with the same FPMS_PORT_BASE?)`, { cause: error });
    };
    const health = await api.health().catch(unreachable('the gateway', targets.gatewayUrl));
    say(`gateway /health/ready: ${health.status}`);
    await inbox.messages().catch(unreachable('the local inbox', targets.inboxUrl));
    say('the local inbox answers');
  });

  // --- the freelancer -----------------------------------------------------------------

  const freelancer = await report.step('Fiona, a freelance designer, signs up', async (say): Promise<Person & { accountId: string }> => {
    const answer = await api.signUp({ email: freelancerEmail, password, name: 'Fiona Freelancer', accountName: 'Fiona Design Studio' });
    say(`account "${answer.account.name}" on the ${answer.account.plan} plan; signed in as ${answer.user.email}`);
    return {
      name: answer.user.name,
      email: freelancerEmail,
      password,
      userId: answer.user.id,
      session: answer,
      accountId: answer.account.id,
    };
  });

  await report.step('Fiona verifies her email address from the link in her inbox', async (say) => {
    await verifyFromInbox(api, inbox, freelancer, say);
  });

  const authenticator = await report.step(
    'Fiona turns on two-factor sign-in (required of account owners for payouts and refunds)',
    async (say) => {
      const enrolment = await api.startTotpEnrolment(freelancer.session.accessToken);
      say(`her authenticator app scans ${enrolment.otpauthUri.replace(/secret=[^&]+/, 'secret=…')}`);
      const app = new Authenticator(enrolment.secret);
      const confirmed = await api.confirmTotp(freelancer.session.accessToken, await app.code());
      say(`two-factor sign-in is on; she keeps ${confirmed.recoveryCodes.length} recovery codes`);
      return app;
    },
  );

  await report.step('Fiona signs in again: password, then the code from her app', async (say) => {
    await api.logOut(freelancer.session.refreshToken);
    const first: LoginAnswer = await api.logIn({ email: freelancer.email, password: freelancer.password });
    if (!('twoFactorRequired' in first)) throw new Error('the login did not ask for the second factor although two-factor sign-in is on');
    say(`the login asks for a code (challenge valid ${first.expiresIn} s)`);
    freelancer.session = await api.logInSecondFactor({ challengeToken: first.challengeToken, code: await authenticator.code() });
    const me = await api.me(freelancer.session.accessToken);
    say(`signed in: email verified ${me.user.emailVerified}, two-factor ${me.user.twoFactorEnabled}`);
  });

  await report.step('Fiona connects her bank through Stripe Connect onboarding', async (say) => {
    const before = await api.connectState(freelancer.session.accessToken);
    say(`payouts settings: ${before.status}`);
    const link = await api.startConnectOnboarding(freelancer.session.accessToken);
    say(`she follows Stripe's onboarding link (valid until ${link.expiresAt}) and fills in the forms`);
    const back = await follow(link.url);
    if (back.status >= 400) throw new Error(`the onboarding page answered ${back.status}: ${back.body.slice(0, 200)}`);
    say(`Stripe sends her back to ${back.location ?? '(no redirect)'}`);
    const after = await until('payouts enabled after onboarding', async () => {
      const state = await api.connectState(freelancer.session.accessToken);
      return state.payoutsEnabled ? state : null;
    });
    say(
      `payouts settings: ${after.status} (charges ${after.chargesEnabled ? 'on' : 'off'}, payouts ${after.payoutsEnabled ? 'on' : 'off'})`,
    );
  });

  const workspace = await report.step('Fiona opens a workspace for her new client', async (say) => {
    const created = await api.createWorkspace(freelancer.session.accessToken, { name: 'Rebrand 2027', clientName: 'Carlos Client Ltd' });
    say(`workspace "${created.name}" for ${created.clientName} (${created.id})`);
    return created;
  });

  // --- the client ------------------------------------------------------------------------

  const invitation = await report.step('Fiona invites Carlos as the client admin, bound to his address', async (say) => {
    const created = await api.inviteToWorkspace(freelancer.session.accessToken, workspace.id, { role: 'client_admin', email: clientEmail });
    say(`invitation for ${created.email} as ${created.role}, valid until ${created.expiresAt}; Fiona sends Carlos its link`);
    return created;
  });

  const client: Person = await report.step('Carlos signs up through the invitation and verifies his address', async (say) => {
    const answer = await api.signUpThroughInvitation(invitation.token, { email: clientEmail, password, name: 'Carlos Client' });
    say(
      `signed in as ${answer.user.email}; ${answer.workspace ? `member of ${answer.workspace.name}` : 'the invitation waits for his verified address'}`,
    );
    const person: Person = { name: answer.user.name, email: clientEmail, password, userId: answer.user.id, session: answer };
    await verifyFromInbox(api, inbox, person, say);
    if (!answer.workspace) {
      const joined = await api.acceptInvitation(person.session.accessToken, invitation.token);
      say(`he accepts the invitation: ${joined.role} of "${joined.name}"`);
    }
    const members = await api.members(freelancer.session.accessToken, workspace.id);
    say(`members: ${members.items.map((m) => `${m.email} (${m.role})`).join(', ')}`);
    return person;
  });

  // --- the first milestone: escrow, delivery, approval, release --------------------------

  const design = await report.step('Fiona proposes the first milestone', async (say) => {
    const created = await api.createMilestone(freelancer.session.accessToken, workspace.id, {
      title: 'Logo and brand guidelines',
      description: 'Three logo concepts, one refined, and a 10-page brand guide.',
      amount: DESIGN_AMOUNT,
      currency: CURRENCY,
    });
    const proposed = await api.milestoneCommand(
      freelancer.session.accessToken,
      workspace.id,
      created.id,
      'propose',
      'As discussed on our call',
    );
    say(`"${proposed.title}", ${money(proposed.amount, proposed.currency)}, paid into escrow: ${proposed.status}`);
    return proposed;
  });

  await report.step('Carlos accepts it', async (say) => {
    const accepted = await api.milestoneCommand(client.session.accessToken, workspace.id, design.id, 'accept');
    say(`status: ${accepted.status}`);
  });

  await report.step('Carlos funds it on the Stripe Checkout page; the money is held in escrow', async (say) => {
    await fundThroughCheckout(api, client, workspace.id, design, say);
  });

  const kickoff = await report.step('Fiona posts a kickoff message with an attachment', async (say) => {
    const file = await uploadFile(api, freelancer.session.accessToken, workspace.id, {
      name: 'kickoff-notes.txt',
      contentType: 'text/plain',
      bytes: Buffer.from('Kickoff notes\n\n- audience: small businesses\n- tone: warm, confident\n- deadline: end of month\n'),
    });
    say(`uploaded ${file.name} (${file.size} bytes) straight to storage through a presigned URL`);
    const general = await until('the workspace has its general thread', async () => {
      const threads = await api.threads(freelancer.session.accessToken, workspace.id);
      return threads.items.find((t) => t.kind === 'general') ?? null;
    });
    const posted = await api.postMessage(freelancer.session.accessToken, workspace.id, general.id, {
      text: 'Welcome aboard, Carlos! Notes from our kickoff call are attached.',
      attachments: [{ fileId: file.fileId, versionId: file.versionId }],
    });
    say(`message #${posted.seq} in "${general.title}" with ${posted.attachments.length} attachment`);
    return { threadId: general.id, messageId: posted.id };
  });

  await report.step('Carlos reads the message and sees the attachment', async (say) => {
    const seen = await until('Carlos sees the message', async () => {
      const list = await api.messages(client.session.accessToken, workspace.id, kickoff.threadId);
      return list.items.find((m) => m.id === kickoff.messageId) ?? null;
    });
    say(`"${seen.text}"`);
    for (const a of seen.attachments) say(`attachment: ${a.name} (${a.contentType}, ${a.size} bytes)`);
    if (seen.attachments.length !== 1) throw new Error(`expected one attachment, saw ${seen.attachments.length}`);
  });

  await report.step('Fiona delivers: uploads the brand guide and submits the milestone', async (say) => {
    const file = await uploadFile(api, freelancer.session.accessToken, workspace.id, {
      name: 'brand-guidelines.pdf',
      contentType: 'application/pdf',
      bytes: minimalPdf('Fiona Design Studio: brand guidelines'),
    });
    say(`uploaded ${file.name} (${file.size} bytes)`);
    const submitted = await api.submitMilestone(freelancer.session.accessToken, workspace.id, design.id, {
      deliverableFileVersionId: file.versionId,
      note: 'Final files attached',
    });
    if (submitted.approvalRequest) throw new Error(`the submission waits for approval request ${submitted.approvalRequest.id}`);
    say(`status: ${submitted.status}; Carlos has until ${submitted.reviewDueAt} to review, then it is approved automatically`);
  });

  await report.step('Carlos approves; billing releases the escrow to Fiona', async (say) => {
    const approved = await api.milestoneCommand(client.session.accessToken, workspace.id, design.id, 'approve');
    if (approved.approvalRequest) throw new Error(`the approval waits for approval request ${approved.approvalRequest.id}`);
    say(`status: ${approved.status}`);
    const released = await until('the milestone is released', async () => {
      const m = await api.milestone(freelancer.session.accessToken, workspace.id, design.id);
      return m.status === 'released' ? m : null;
    });
    const payment = await api.payment(freelancer.session.accessToken, workspace.id, design.id);
    say(
      `status: ${released.status}; released ${money(released.money.released, CURRENCY)}, platform fee ${money(released.money.platformFee, CURRENCY)}`,
    );
    say(
      `Stripe transfer ${payment.stripe.transferId} of ${money(released.money.released - released.money.platformFee, CURRENCY)} to Fiona's account`,
    );
  });

  // --- the second milestone: a refund request the freelancer declines --------------------

  const site = await report.step('A second milestone is proposed, accepted and funded', async (say) => {
    const created = await api.createMilestone(freelancer.session.accessToken, workspace.id, {
      title: 'Landing page',
      amount: SITE_AMOUNT,
      currency: CURRENCY,
    });
    await api.milestoneCommand(freelancer.session.accessToken, workspace.id, created.id, 'propose');
    await api.milestoneCommand(client.session.accessToken, workspace.id, created.id, 'accept');
    say(`"${created.title}", ${money(created.amount, created.currency)}: proposed by Fiona, accepted by Carlos`);
    await fundThroughCheckout(api, client, workspace.id, created, say);
    return created;
  });

  await report.step('Carlos asks for his money back before any delivery', async (say) => {
    const requested = await api.milestoneCommand(
      client.session.accessToken,
      workspace.id,
      site.id,
      'request-refund',
      'We changed our plans',
    );
    if (requested.approvalRequest) throw new Error(`the refund request waits for approval request ${requested.approvalRequest.id}`);
    say(`status: ${requested.status}`);
    const request = await until('billing records the refund request', async () => {
      const p = await api.payment(freelancer.session.accessToken, workspace.id, site.id);
      return p.refundRequest?.status === 'open' ? p.refundRequest : null;
    });
    say(`Fiona sees an open refund request, accepted automatically on ${request.dueAt} unless she answers`);
  });

  await report.step('Fiona declines (contests) the refund request: no money moves', async (say) => {
    const contested = await api.contestRefundRequest(
      freelancer.session.accessToken,
      workspace.id,
      site.id,
      'Work has started as agreed; happy to talk it through.',
    );
    say(`refund request: ${contested.status}, decided ${contested.decidedAt}`);
    const m = await api.milestone(client.session.accessToken, workspace.id, site.id);
    say(`Carlos sees "${m.title}" ${m.status}, ${money(m.money.charged - m.money.refunded, CURRENCY)} still held; he may open a dispute`);
    if (m.money.refunded !== 0) throw new Error(`a contested refund request moved money: refunded ${m.money.refunded}`);
  });

  // --- what each of them sees at the end -------------------------------------------------

  await report.step("Dashboards: the workspace's, as Carlos sees it, and Fiona's account", async (say) => {
    const workspaceMoney = await until('the workspace dashboard shows the release and the escrow', async () => {
      const d = await api.workspaceDashboard(client.session.accessToken, workspace.id);
      const eur = d.money.find((m) => m.currency === CURRENCY);
      return eur && eur.released === DESIGN_AMOUNT && eur.inEscrow === SITE_AMOUNT ? { d, eur } : null;
    });
    const { d, eur } = workspaceMoney;
    say(`workspace: ${d.milestones.total} milestones (${describeStatuses(d.milestones.byStatus)})`);
    say(
      `  contracted ${money(eur.contracted, CURRENCY)}, in escrow ${money(eur.inEscrow, CURRENCY)}, released ${money(eur.released, CURRENCY)}, paid by the client ${money(eur.paid, CURRENCY)}`,
    );
    const account = await until('the account dashboard shows the earnings', async () => {
      const a = await api.accountDashboard(freelancer.session.accessToken, freelancer.accountId);
      const m = a.money.find((x) => x.currency === CURRENCY);
      return m && m.released === DESIGN_AMOUNT ? { a, m } : null;
    });
    say(
      `Fiona's account: ${account.a.workspaces.active} active workspace(s); earnings (released) ${money(account.m.released, CURRENCY)}, in escrow ${money(account.m.inEscrow, CURRENCY)}`,
    );
  });

  await report.step("Fiona's earnings report and payouts", async (say) => {
    const today = new Date().toISOString().slice(0, 10);
    const report = await until('the earnings report counts the release', async () => {
      const r = await api.earnings(freelancer.session.accessToken, { from: firstDay, to: today, groupBy: 'workspace' });
      const eur = r.currencies.find((c) => c.currency === CURRENCY);
      return eur && eur.totals.releases === 1 && eur.totals.gross === DESIGN_AMOUNT + SITE_AMOUNT ? eur : null;
    });
    const t = report.totals;
    say(
      `${today}: paid by clients ${money(t.gross, CURRENCY)} = platform fees ${money(t.platformFees, CURRENCY)} + refunds ${money(t.refunds, CURRENCY)} + disputes ${money(t.disputes, CURRENCY)} + net ${money(t.net, CURRENCY)} + in escrow ${money(t.inEscrow, CURRENCY)}`,
    );
    const sum = t.platformFees + t.refunds + t.disputes + t.net + t.inEscrow;
    if (sum !== t.gross) throw new Error(`the report does not balance: ${sum} ≠ ${t.gross}`);
    const payouts = await api.payouts(freelancer.session.accessToken);
    say(
      payouts.items.length
        ? `payouts: ${payouts.items.map((p) => `${money(p.amount, p.currency.toUpperCase())} ${p.status}`).join(', ')}`
        : 'payouts: none yet (Stripe pays the connected account out to the bank on its own schedule)',
    );
  });

  report.line();
  report.line(`Demo complete: ${freelancer.email} and ${clientEmail} (password "${password}") can sign in to look around.`);
}

async function verifyFromInbox(api: FpmsApi, inbox: LocalInbox, person: Person, say: (line: string) => void): Promise<void> {
  const email = await inbox.waitFor(person.email, /verify your email/i);
  const link = linkIn(email.text);
  say(`email "${email.subject}" arrived; ${person.name} opens ${link.url.replace(/token=[^&]+/, 'token=…')}`);
  await api.verifyEmail(link.token);
  const me = await api.me(person.session.accessToken);
  if (!me.user.emailVerified) throw new Error('the address is still unverified after following the link');
  say('address verified: money actions are open to them now');
}

async function fundThroughCheckout(
  api: FpmsApi,
  client: Person,
  workspaceId: string,
  milestone: MilestoneView,
  say: (line: string) => void,
): Promise<void> {
  const answer = await api.fundMilestone(client.session.accessToken, workspaceId, milestone.id);
  if (!isFunding(answer)) throw new Error(`funding waits for approval request ${answer.approvalRequest.id}`);
  const funding = await api.milestone(client.session.accessToken, workspaceId, milestone.id);
  say(`status: ${funding.status}; the app sends ${client.name} to Stripe Checkout`);
  const paid = await payOnCheckoutPage(answer.checkoutUrl);
  say(`Checkout page "${paid.heading}": he pays and is sent back to ${paid.redirectedTo}`);
  const funded = await until('Stripe reports the payment and the milestone is funded', async () => {
    const m = await api.milestone(client.session.accessToken, workspaceId, milestone.id);
    return m.status === 'funded' ? m : null;
  });
  say(`status: ${funded.status}; ${money(funded.money.charged, CURRENCY)} charged and held in escrow`);
}

const describeStatuses = (byStatus: Record<string, number>): string =>
  Object.entries(byStatus)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');

/** A one-page PDF with one line of text: a real, openable deliverable, written by hand. */
function minimalPdf(text: string): Buffer {
  const escaped = text.replace(/[()\\]/g, (c) => `\\${c}`);
  const stream = `BT /F1 18 Tf 72 720 Td (${escaped}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
