import { createTransport, Transporter } from 'nodemailer';

export interface OutgoingEmail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** The one side effect of email: SMTP through nodemailer (tests point it at an in-process smtp-server). */
export class SmtpTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    this.transporter = createTransport(url);
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({
      messageId: email.messageId,
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      headers: email.headers,
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/** An SMTP 5xx answer (bad address, refused): retrying would not help. */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
