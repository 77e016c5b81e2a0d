/**
 * Email templates: plain TypeScript functions from data to a subject, a plain-text part and
 * an HTML part. Every value that came from a user (names, titles, file names) goes through
 * `escapeHtml` in the HTML part; the text part carries it as is.
 */
import type { SecurityEmailKind } from '@fpms/contracts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailItem {
  type: string;
  headline: string;
  createdAt: string;
}

export interface NotificationEmailData {
  recipientName: string;
  items: EmailItem[];
}

export interface DigestEmailData {
  recipientName: string;
  /** The user's local date the digest covers (YYYY-MM-DD). */
  localDate: string;
  items: EmailItem[];
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Links {
  appUrl: string;
  unsubscribeUrl: string | null;
}

function layout(title: string, bodyHtml: string, links: Links): string {
  const unsubscribe = links.unsubscribeUrl
    ? `<p style="color:#777;font-size:12px"><a href="${escapeHtml(links.unsubscribeUrl)}">Unsubscribe</a></p>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif">${bodyHtml}<p><a href="${escapeHtml(links.appUrl)}">Open FPMS</a></p>${unsubscribe}</body></html>`;
}

function footer(links: Links): string {
  return `\n\nOpen FPMS: ${links.appUrl}` + (links.unsubscribeUrl ? `\nUnsubscribe: ${links.unsubscribeUrl}` : '');
}

function notification(data: NotificationEmailData, links: Links): RenderedEmail {
  const [first] = data.items;
  const more = data.items.length - 1;
  const subject = more > 0 ? `${first.headline} (and ${more} more update${more === 1 ? '' : 's'})` : first.headline;
  const lines = data.items.map((i) => `- ${i.headline}`);
  const text = `Hello ${data.recipientName},\n\n${lines.join('\n')}${footer(links)}\n`;
  const list = data.items.map((i) => `<li>${escapeHtml(i.headline)}</li>`).join('');
  const html = layout(subject, `<p>Hello ${escapeHtml(data.recipientName)},</p><ul>${list}</ul>`, links);
  return { subject, text, html };
}

function digest(data: DigestEmailData, links: Links): RenderedEmail {
  const subject = `Your FPMS digest for ${data.localDate}: ${data.items.length} update${data.items.length === 1 ? '' : 's'}`;
  const text = `Hello ${data.recipientName},\n\nWhat happened on ${data.localDate}:\n${data.items.map((i) => `- ${i.headline}`).join('\n')}${footer(links)}\n`;
  const list = data.items.map((i) => `<li>${escapeHtml(i.headline)}</li>`).join('');
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(data.recipientName)},</p><p>What happened on ${escapeHtml(data.localDate)}:</p><ul>${list}</ul>`,
    links,
  );
  return { subject, text, html };
}

/** Account security (issue 18): gateway.user.security_email's data, as is. */
export interface SecurityEmailData {
  kind: SecurityEmailKind;
  displayName: string;
  link?: string;
  expiresAt?: string;
  device?: string;
  ip?: string;
  newEmail?: string;
  occurredAt: string;
}

const NOT_YOU = 'If this was not you, reset your password now and review your sessions in your security settings.';

function security(data: SecurityEmailData, links: Links): RenderedEmail {
  const when = data.occurredAt;
  const where = [data.device ? `Device: ${data.device}` : null, data.ip ? `IP address: ${data.ip}` : null].filter((l): l is string => !!l);
  const content: Record<SecurityEmailData['kind'], { subject: string; lines: string[] }> = {
    verify_email: {
      subject: 'Verify your email address for FPMS',
      lines: [
        'Confirm that this address is yours to pay, approve, refund and receive payouts:',
        `${data.link}`,
        `The link works once, until ${data.expiresAt}.`,
      ],
    },
    password_reset: {
      subject: 'Reset your FPMS password',
      lines: [
        'Someone asked to reset the password of your FPMS account. To choose a new one:',
        `${data.link}`,
        `The link works once, until ${data.expiresAt}; using it signs you out everywhere. If you did not ask, ignore this email.`,
      ],
    },
    email_changed: {
      subject: 'The email address of your FPMS account was changed',
      lines: [`On ${when} the address of your account was changed to ${data.newEmail}. Emails now go there.`, NOT_YOU],
    },
    new_sign_in: {
      subject: 'New sign-in to your FPMS account',
      lines: [`Your account was signed in to on ${when} from a device it had not seen.`, ...where, NOT_YOU],
    },
    password_changed: {
      subject: 'Your FPMS password was changed',
      lines: [`The password of your account was changed on ${when}; other sessions were signed out.`, ...where, NOT_YOU],
    },
    two_factor_enabled: {
      subject: 'Two-factor sign-in is on for your FPMS account',
      lines: [`Two-factor sign-in was turned on on ${when}. Keep your recovery codes somewhere safe.`, NOT_YOU],
    },
    two_factor_disabled: {
      subject: 'Two-factor sign-in was turned off for your FPMS account',
      lines: [`Two-factor sign-in was turned off on ${when}.`, NOT_YOU],
    },
    data_export_ready: {
      subject: 'Your FPMS data export is ready',
      lines: [
        'The archive of your data you asked for is ready (a ZIP of JSON files and the files you uploaded). Sign in to download it:',
        `${data.link}`,
        `It can be downloaded until ${data.expiresAt}; then it is deleted.`,
        'If you did not ask for it, change your password and review your sessions in your security settings.',
      ],
    },
  };
  const { subject, lines } = content[data.kind];
  const text = `Hello ${data.displayName},\n\n${lines.join('\n\n')}${footer(links)}\n`;
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(data.displayName)},</p>${lines
      .map((l) => (l === data.link ? `<p><a href="${escapeHtml(l)}">${escapeHtml(l)}</a></p>` : `<p>${escapeHtml(l)}</p>`))
      .join('')}`,
    links,
  );
  return { subject, text, html };
}

/** Every template by id: a new email adds its renderer here. */
export const EMAIL_TEMPLATES = {
  security: (data: unknown, links: Links) => security(data as SecurityEmailData, links),
  notification: (data: unknown, links: Links) => notification(data as NotificationEmailData, links),
  digest: (data: unknown, links: Links) => digest(data as DigestEmailData, links),
} as const;

export type EmailTemplateId = keyof typeof EMAIL_TEMPLATES;

export function renderEmail(templateId: string, data: unknown, links: Links): RenderedEmail {
  const template = EMAIL_TEMPLATES[templateId as EmailTemplateId];
  if (!template) throw new Error(`unknown email template ${templateId}`);
  return template(data, links);
}
