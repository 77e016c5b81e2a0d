import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { generateSync } from 'otplib';
import { startPlatform, RunningPlatform } from '@fpms/harness';
import { bearer, eventually, MutableClock, signUp, SignedUpUser } from '@fpms/testing';
import { SmtpSink } from '../notifications/smtp-sink';

/**
 * A platform with the product's security defaults (OWNER_2FA_REQUIRED on), a real SMTP sink
 * the messaging worker sends to, and a clock the test moves.
 */
export interface SecurityWorld {
  platform: RunningPlatform;
  smtp: SmtpSink;
  clock: MutableClock;
  api: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startSecurityWorld(
  gatewayEnv: Record<string, string> = {},
  workspaceEnv: Record<string, string> = {},
): Promise<SecurityWorld> {
  const smtp = await SmtpSink.start();
  const clock = new MutableClock();
  const platform = await startPlatform({
    services: ['gateway', 'workspace', 'messaging'],
    clock,
    env: {
      gateway: { OWNER_2FA_REQUIRED: 'true', RATE_LIMIT_REFRESH_IP: '1000/60', RATE_LIMIT_LOGIN_IP: '1000/60', ...gatewayEnv },
      workspace: workspaceEnv,
      messaging: { SMTP_URL: smtp.url, EMAIL_WORKER_INTERVAL_MS: '100', DIGEST_INTERVAL_MS: '0' },
    },
  });
  return {
    platform,
    smtp,
    clock,
    api: () => request(platform.gatewayUrl),
    async close() {
      await platform.close();
      await smtp.close();
    },
  };
}

/** A freelancer through the public signup, their email NOT verified (the product's state after signup). */
export function unverifiedUser(world: SecurityWorld, name = 'Unverified'): Promise<SignedUpUser> {
  return signUp(world.platform.gatewayUrl, name, { verified: false });
}

/** The newest email to `address` whose subject matches, once the worker has sent it. */
export async function mailTo(world: SecurityWorld, address: string, subject: RegExp, count = 1) {
  let found: ReturnType<SmtpSink['to']> = [];
  await eventually(`${count} email(s) "${subject}" to ${address}`, async () => {
    found = world.smtp.to(address).filter((m) => subject.test(m.subject ?? ''));
    return found.length >= count;
  });
  return found[found.length - 1];
}

/** The token of the link in an email's text. */
export function linkToken(text: string | undefined): string {
  const match = /[?&]token=([A-Za-z0-9._~-]+)/.exec(text ?? '');
  if (!match) throw new Error(`no link in: ${text}`);
  return decodeURIComponent(match[1]);
}

/** The TOTP code an authenticator app shows at the platform clock's time, `stepOffset` steps away. */
export function totpCode(world: SecurityWorld, secret: string, stepOffset = 0): string {
  const step = Math.floor(world.clock.now().getTime() / 30_000) + stepOffset;
  return generateSync({ secret, epoch: step * 30 });
}

/** Enrols and confirms TOTP for `user`; answers the secret and the recovery codes. */
export async function enableTotp(world: SecurityWorld, user: SignedUpUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrol = await world.api().post('/api/v1/me/2fa/totp').set(bearer(user.token)).send({});
  if (enrol.status !== 201) throw new Error(`enrol failed: ${enrol.status} ${JSON.stringify(enrol.body)}`);
  const confirm = await world
    .api()
    .post('/api/v1/me/2fa/totp/confirm')
    .set(bearer(user.token))
    .send({ code: totpCode(world, enrol.body.secret) });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  // Codes accepted next must be of later steps: move two steps on, so the previous step's code is new too.
  world.clock.advance(60_000);
  return { secret: enrol.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

export const someId = () => randomUUID();
