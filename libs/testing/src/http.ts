import request from 'supertest';
import { randomUUID } from 'node:crypto';

export interface SignedUpUser {
  userId: string;
  accountId: string;
  email: string;
  password: string;
  token: string;
  /** The session's first refresh token (single use: each refresh returns the next). */
  refreshToken: string;
}

/** Signs a fresh freelancer up through the gateway's public API. */
export async function signUp(gatewayUrl: string, name = 'Test Freelancer'): Promise<SignedUpUser> {
  const email = `user-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  const res = await request(gatewayUrl).post('/api/v1/auth/signup').send({ email, password, name });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
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
