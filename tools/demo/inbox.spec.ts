import { linkIn } from './inbox';

describe('links in the demo inbox', () => {
  it('finds the verification link and its token in the email text', () => {
    const text =
      'Hello Fiona,\n\nConfirm that this address is yours:\n\nhttp://127.0.0.1:3000/verify-email?token=ev_a1B2-c3_d4\n\nThe link works once.';
    expect(linkIn(text)).toEqual({ url: 'http://127.0.0.1:3000/verify-email?token=ev_a1B2-c3_d4', token: 'ev_a1B2-c3_d4' });
  });

  it('says so when the email has no link', () => {
    expect(() => linkIn('Two-factor sign-in is on.')).toThrow(/no link/);
  });
});
