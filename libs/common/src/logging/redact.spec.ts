import { Writable } from 'node:stream';
import { createPinoLogger } from './logger';
import { maskUrl, redactLogObject } from './redact';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createPinoLogger('test', 'debug', stream), lines };
}

describe('log redaction', () => {
  it('masks invitation tokens in paths and sensitive query parameters, keeps ids and the rest', () => {
    expect(maskUrl('/api/v1/invitations/inv_abc123/accept')).toBe('/api/v1/invitations/[REDACTED]/accept');
    expect(maskUrl('/api/v1/invitations/inv_abc123/signup?x=1')).toBe('/api/v1/invitations/[REDACTED]/signup?x=1');
    const id = '0b9c1a52-3f0e-4b61-9d3c-1f6a2f7e8c11';
    expect(maskUrl(`/api/v1/workspaces/${id}/invitations/${id}`)).toBe(`/api/v1/workspaces/${id}/invitations/${id}`);
    expect(maskUrl('/x?token=s3cret&limit=5&refresh_token=r&Password=p')).toBe(
      '/x?token=[REDACTED]&limit=5&refresh_token=[REDACTED]&Password=[REDACTED]',
    );
  });

  it('replaces credentials at any depth and leaves other fields alone', () => {
    const redacted = redactLogObject({
      user: 'a@b.c',
      body: { password: 'hunter2hunter2', nested: [{ refreshToken: 'rt', deeper: { Authorization: 'Bearer x', cookie: 'sid=1' } }] },
      url: '/api/v1/invitations/inv_tok/accept',
    });
    expect(redacted).toEqual({
      user: 'a@b.c',
      body: {
        password: '[REDACTED]',
        nested: [{ refreshToken: '[REDACTED]', deeper: { Authorization: '[REDACTED]', cookie: '[REDACTED]' } }],
      },
      url: '/api/v1/invitations/[REDACTED]/accept',
    });
  });

  it('applies to every line the platform logger writes: objects, errors and messages', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer eyJsecret' } }, data: { token: 'inv_secret1' } }, 'called');
    logger.error({ err: Object.assign(new Error('boom'), { config: { password: 'pw-secret-2' } }) }, 'failed');
    logger.warn('GET /api/v1/invitations/inv_secret3/accept failed');
    const out = lines.join('');
    expect(out).not.toMatch(/eyJsecret|inv_secret1|pw-secret-2|inv_secret3/);
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('boom');
  });
});
