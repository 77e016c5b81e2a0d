import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { markEmailVerified } from './verified-emails';

export interface SignedUpUser {
  userId: string;
  accountId: string;
  email: string;
  password: string;
  token: string;
  /** The session's first refresh token (single use: each refresh returns the next). */
  refreshToken: string;
}

/**
 * Signs a fresh freelancer up through the gateway's public API and, on a platform the
 * harness started, marks their email verified (see verified-emails.ts); `{ verified: false }`
 * keeps the product's state (verification pending).
 */
export async function signUp(gatewayUrl: string, name = 'Test Freelancer', options: { verified?: boolean } = {}): Promise<SignedUpUser> {
  const email = `user-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  const res = await request(gatewayUrl).post('/api/v1/auth/signup').send({ email, password, name });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (options.verified !== false) await markEmailVerified(gatewayUrl, res.body.user.id);
  return {
    userId: res.body.user.id,
    accountId: res.body.account.id,
    email,
    password,
    token: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
