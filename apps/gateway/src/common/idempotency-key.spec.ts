import { requestHash } from './idempotency-key';

describe('requestHash', () => {
  const body = { title: 'Design', amount: 5000, meta: { b: [1, { y: 2, x: 1 }], a: null } };

  it('is the same for the same request whatever the key order of the body', () => {
    const reordered = { meta: { a: null, b: [1, { x: 1, y: 2 }] }, amount: 5000, title: 'Design' };
    expect(requestHash('post', '/api/v1/workspaces/AB/milestones', reordered)).toBe(
      requestHash('POST', '/api/v1/workspaces/ab/milestones', body),
    );
  });

  it('differs when the method, path, a value or array order differs', () => {
    const base = requestHash('POST', '/api/v1/workspaces/ab/milestones', body);
    expect(requestHash('PUT', '/api/v1/workspaces/ab/milestones', body)).not.toBe(base);
    expect(requestHash('POST', '/api/v1/workspaces/ab/tasks', body)).not.toBe(base);
    expect(requestHash('POST', '/api/v1/workspaces/ab/milestones', { ...body, amount: 5001 })).not.toBe(base);
    expect(requestHash('POST', '/api/v1/workspaces/ab/milestones', { ...body, meta: { ...body.meta, b: [{ y: 2, x: 1 }, 1] } })).not.toBe(
      base,
    );
    // "1" is not 1: types count.
    expect(requestHash('POST', '/p', { a: '1' })).not.toBe(requestHash('POST', '/p', { a: 1 }));
  });

  it('treats an absent field like an undefined one, and an empty body like none', () => {
    expect(requestHash('POST', '/p', { a: 1, b: undefined })).toBe(requestHash('POST', '/p', { a: 1 }));
    expect(requestHash('POST', '/p', undefined)).toBe(requestHash('POST', '/p', null));
    expect(requestHash('POST', '/p', {})).toMatch(/^[0-9a-f]{64}$/);
  });
});
