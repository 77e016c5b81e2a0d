#!/usr/bin/env node
import { mailSinkPorts, platformEnv, servicePort } from '../infra/platform-env';
import { DemoStepFailed } from './report';
import { runDemo } from './story';

/**
 * `npm run demo`: walks one engagement through a running `npm start` (same FPMS_PORT_BASE),
 * or through DEMO_GATEWAY_URL / DEMO_INBOX_URL. Exits 1 naming the step that failed and why.
 */
async function main(): Promise<void> {
  const platform = platformEnv();
  if (platform.mailMode !== 'local' && !process.env.DEMO_INBOX_URL)
    throw new Error(
      'SMTP_URL is set, so the verification emails do not reach the local inbox: set DEMO_INBOX_URL to an inbox with its /api/messages',
    );
  await runDemo({
    gatewayUrl: process.env.DEMO_GATEWAY_URL ?? `http://127.0.0.1:${servicePort(platform, 'gateway')}`,
    inboxUrl: process.env.DEMO_INBOX_URL ?? `http://127.0.0.1:${mailSinkPorts(platform).web}`,
  });
}

main().catch((error: unknown) => {
  if (error instanceof DemoStepFailed) {
    process.stderr.write(`\n✗ Demo failed at ${error.message}\n`);
    // fetch's own errors say little ("fetch failed"): the causes name the refused connection or timeout.
    for (let cause = (error.reason as Error | undefined)?.cause; cause; cause = (cause as Error).cause)
      process.stderr.write(`  cause: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  } else process.stderr.write(`\n✗ Demo could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
