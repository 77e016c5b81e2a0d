#!/usr/bin/env node
import { startMailSink } from './server';

/** `npm start` runs this: MAIL_SINK_SMTP_PORT (3113) takes messaging's email, MAIL_SINK_WEB_PORT (3114) shows it. */
async function main(): Promise<void> {
  const port = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`Invalid ${name}: ${process.env[name]}`);
    return value;
  };
  const sink = await startMailSink({
    host: process.env.MAIL_SINK_HOST ?? '127.0.0.1',
    smtpPort: port('MAIL_SINK_SMTP_PORT', 3113),
    webPort: port('MAIL_SINK_WEB_PORT', 3114),
  });
  process.stdout.write(`Local mail sink: SMTP on port ${sink.smtpPort}, inbox at ${sink.webUrl}\n`);
  const shutdown = () => {
    void sink.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
