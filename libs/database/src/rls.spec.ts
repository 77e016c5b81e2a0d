import { tenantPolicyExpression } from './rls';

describe('tenantPolicyExpression', () => {
  it('scopes by account and, when set, by workspace, reading transaction-local settings', () => {
    const expr = tenantPolicyExpression({ accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    expect(expr).toContain(`account_id = nullif(current_setting('app.account_id', true), '')::uuid`);
    expect(expr).toContain(`workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid`);
  });

  it('does not loosen the write policy with read-only conditions', () => {
    const expr = tenantPolicyExpression({ accountColumn: 'account_id', alsoReadableWhen: 'user_id = 1' });
    expect(expr).not.toContain('user_id');
  });
});
