import { tenantPolicyExpression } from './rls';

describe('tenantPolicyExpression', () => {
  it('scopes by account and, when set, by workspace, reading transaction-local settings', () => {
    const expr = tenantPolicyExpression({ accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    expect(expr).toContain(`account_id = nullif(current_setting('app.account_id', true), '')::uuid`);
    expect(expr).toContain(`workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid`);
  });

  it('ORs an extra condition around the tenant condition, not inside it', () => {
    const expr = tenantPolicyExpression({ accountColumn: 'account_id', orUsing: 'user_id = 1' });
    expect(expr).toMatch(/^\(\(account_id = .*\) or \(user_id = 1\)\)$/);
  });
});
