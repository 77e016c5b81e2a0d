/**
 * Email templates: plain TypeScript functions from data to a subject, a plain-text part and
 * an HTML part. Every value that came from a user (names, titles, file names) goes through
 * `escapeHtml` in the HTML part; the text part carries it as is.
 */
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

/** Every template by id: a new email (e.g. account security, issue 18) adds its renderer here. */
export const EMAIL_TEMPLATES = {
  notification: (data: unknown, links: Links) => notification(data as NotificationEmailData, links),
  digest: (data: unknown, links: Links) => digest(data as DigestEmailData, links),
} as const;

export type EmailTemplateId = keyof typeof EMAIL_TEMPLATES;

export function renderEmail(templateId: string, data: unknown, links: Links): RenderedEmail {
  const template = EMAIL_TEMPLATES[templateId as EmailTemplateId];
  if (!template) throw new Error(`unknown email template ${templateId}`);
  return template(data, links);
}
