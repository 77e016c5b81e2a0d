import { deliveredKey, stagingKey, storageKey } from './storage-key';

describe('storageKey', () => {
  const ids = {
    accountId: '11111111-1111-4111-8111-111111111111',
    workspaceId: '22222222-2222-4222-8222-222222222222',
    fileId: '33333333-3333-4333-8333-333333333333',
    versionId: '44444444-4444-4444-8444-444444444444',
  };

  it('is tenant-prefixed and made of ids only', () => {
    expect(storageKey(ids)).toBe(
      'accounts/11111111-1111-4111-8111-111111111111/workspaces/22222222-2222-4222-8222-222222222222/files/33333333-3333-4333-8333-333333333333/44444444-4444-4444-8444-444444444444',
    );
  });

  it.each([['../../etc'], ['a/b'], [''], ['33333333-3333-4333-8333-33333333333X'], ['33333333-3333-4333-8333-333333333333/..']])(
    'refuses a non-id (%p) in any position',
    (bad) => {
      for (const field of Object.keys(ids)) expect(() => storageKey({ ...ids, [field]: bad })).toThrow(/must be a lowercase UUID/);
    },
  );

  it('uploads go to a staging key that never equals or prefixes a version’s own key', () => {
    const staging = stagingKey(ids);
    const attempt = '55555555-5555-4555-8555-555555555555';
    expect(staging).toBe(
      'accounts/11111111-1111-4111-8111-111111111111/workspaces/22222222-2222-4222-8222-222222222222/staging/33333333-3333-4333-8333-333333333333/44444444-4444-4444-8444-444444444444',
    );
    expect(deliveredKey(ids, attempt)).toBe(`${storageKey(ids)}/${attempt}`);
    expect(deliveredKey(ids, attempt).startsWith(staging)).toBe(false);
    expect(() => stagingKey({ ...ids, fileId: '../x' })).toThrow(/must be a lowercase UUID/);
    expect(() => deliveredKey(ids, 'a/../b')).toThrow(/must be a lowercase UUID/);
  });
});
