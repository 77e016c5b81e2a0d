import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * `npm start`'s email stand-in: an SMTP server that accepts everything (nothing is
 * relayed) and a small web inbox listing what arrived, newest first, with each email's
 * text and HTML parts and headers. Memory only: a restart empties it.
 */
export interface MailSink {
  smtpPort: number;
  webUrl: string;
  close(): Promise<void>;
}

const esc = (v: string) => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const MAX_KEPT = 500;

export async function startMailSink(options: { host: string; smtpPort: number; webPort: number }): Promise<MailSink> {
  const inbox: ParsedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          inbox.unshift(mail);
          inbox.length = Math.min(inbox.length, MAX_KEPT);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(options.smtpPort, options.host, resolve));

  const web: Server = createServer((req, res) => {
    const match = /^\/messages\/(\d+)(\/html)?$/.exec(req.url ?? '');
    if (match) {
      const mail = inbox[Number(match[1])];
      if (!mail) return void res.writeHead(404).end('not found');
      // The HTML part as the recipient's client would show it, isolated from the inbox page.
      if (match[2])
        return void res
          .writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          })
          .end(String(mail.html || ''));
      const headers = mail.headerLines.map((h) => esc(h.line)).join('\n');
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><meta charset="utf-8"><a href="/">Inbox</a><h2>${esc(mail.subject ?? '')}</h2><pre>${headers}</pre><h3>Text</h3><pre>${esc(mail.text ?? '')}</pre><h3>HTML</h3><iframe sandbox src="/messages/${match[1]}/html" style="width:100%;height:400px"></iframe>`,
        );
    }
    if (req.url === '/api/messages') {
      const list = inbox.map((m, i) => ({ id: i, subject: m.subject, to: m.to, date: m.date, text: m.text, headers: m.headerLines }));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    }
    const rows = inbox
      .map(
        (m, i) =>
          `<tr><td>${esc(m.date?.toISOString() ?? '')}</td><td>${esc(JSON.stringify(m.to && 'text' in m.to ? m.to.text : ''))}</td><td><a href="/messages/${i}">${esc(m.subject ?? '(no subject)')}</a></td></tr>`,
      )
      .join('');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><meta charset="utf-8"><title>FPMS local inbox</title><h1>FPMS local inbox (${inbox.length})</h1><table>${rows}</table>`,
      );
  });
  await new Promise<void>((resolve) => web.listen(options.webPort, options.host, resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const webPort = (web.address() as AddressInfo).port;
  return {
    smtpPort,
    webUrl: `http://${options.host}:${webPort}`,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}
