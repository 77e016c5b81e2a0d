import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem('correct horse battery staple', { email: 'ada@example.com', name: 'Ada' })).toBeNull();
  });

  it.each([
    ['short1', /between 10 and 200/],
    ['x'.repeat(201), /between 10 and 200/],
    ['aaaaaaaaaaaa', /4 different characters/],
    ['abababababab', /4 different characters/],
  ])('refuses %s', (password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('refuses passwords built from the email or the name', () => {
    expect(passwordProblem('grace.hopper2024!', { email: 'Grace.Hopper@example.com' })).toMatch(/email/);
    expect(passwordProblem('MargaretHamilton1', { name: 'Margaret Hamilton'.replace(' ', '') })).toMatch(/name/);
    // Short local parts are too common to be meaningful.
    expect(passwordProblem('bob is a builder', { email: 'bob@example.com' })).toBeNull();
  });
});
