import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process: every message it accepts, parsed. */
export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  readonly refusedOnce = new Set<string>();

  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<SmtpSink> {
    const holder: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // `*@reject.test` is refused for good (550); `*@flaky.test` once (451), then accepted.
      onRcptTo(address, _session, callback) {
        const to = address.address.toLowerCase();
        if (to.endsWith('@reject.test')) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        if (to.endsWith('@flaky.test') && !holder.sink!.refusedOnce.has(to)) {
          holder.sink!.refusedOnce.add(to);
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            holder.sink!.messages.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    const sink = new SmtpSink(server);
    holder.sink = sink;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => addressesOf(m).includes(address.toLowerCase()));
  }

  /** Forgets what arrived so far (a suite's setup mail, such as signup's verification links). */
  clear(): void {
    this.messages.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** A header's raw value, unfolded (mailparser parses some headers into objects). */
export function headerText(mail: ParsedMail, name: string): string {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase());
  return line
    ? line.line
        .slice(line.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim()
    : '';
}
