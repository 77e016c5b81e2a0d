/**
 * The local mail sink's inbox (`npm start` without SMTP_URL; tools/mail-sink), read as a
 * user reads their email: the newest message to an address whose subject matches, and the
 * token of the link in it.
 */
interface SinkMessage {
  subject?: string;
  to?: { text?: string } | Array<{ text?: string }>;
  text?: string;
}

const recipients = (m: SinkMessage): string =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : [])
    .map((t) => t.text ?? '')
    .join(', ')
    .toLowerCase();

export class LocalInbox {
  constructor(readonly webUrl: string) {}

  async messages(): Promise<SinkMessage[]> {
    const res = await fetch(new URL('/api/messages', this.webUrl), { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`the local inbox at ${this.webUrl} answered ${res.status}`);
    return (await res.json()) as SinkMessage[];
  }

  /** Waits (polling) for the newest email to `address` whose subject matches. */
  async waitFor(address: string, subject: RegExp, timeoutMs = 30_000): Promise<SinkMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.messages()).find((m) => recipients(m).includes(address.toLowerCase()) && subject.test(m.subject ?? ''));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no email "${subject.source}" to ${address} in the local inbox (${this.webUrl}) within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The link and its `token` in an email's text (verification links: `<APP_PUBLIC_URL>/verify-email?token=ev_…`). */
export function linkIn(text: string | undefined): { url: string; token: string } {
  const url = /https?:\/\/\S+[?&]token=[A-Za-z0-9._~%-]+/.exec(text ?? '')?.[0];
  if (!url) throw new Error(`no link with a token in the email: ${JSON.stringify(text)}`);
  return { url, token: new URL(url).searchParams.get('token')! };
}
