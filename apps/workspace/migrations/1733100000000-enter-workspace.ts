import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WorkspaceAccess's gate in one round trip instead of three (issue 11). Called in a
 * transaction whose context names only the user, it runs as the caller (SECURITY INVOKER:
 * RLS applies to every statement inside) and does what the gate did statement by statement:
 * read the caller's own membership through the SELECT-only policy; if there is one, set the
 * transaction's tenant to its account and workspace (transaction-local, like
 * setTenantContext); optionally lock the workspace's membership sequence row first (membership
 * changes); then re-read the role under the tenant with a share lock. No row: not a member
 * (the context is left as it was). A row with a null role: the membership vanished between
 * the two reads.
 */
export class EnterWorkspace1733100000000 implements MigrationInterface {
  name = 'EnterWorkspace1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function enter_workspace(p_workspace_id uuid, p_user_id uuid, p_serialize_membership boolean)
      returns table (member_account_id uuid, member_role text)
      language plpgsql security invoker volatile
      as $$
      declare
        v_account uuid;
      begin
        select m.account_id into v_account from workspace_members m where m.workspace_id = p_workspace_id and m.user_id = p_user_id;
        if v_account is null then
          return;
        end if;
        perform set_config('app.account_id', v_account::text, true), set_config('app.workspace_id', p_workspace_id::text, true);
        if p_serialize_membership then
          insert into workspace_membership_versions (workspace_id, account_id) values (p_workspace_id, v_account)
            on conflict (workspace_id) do nothing;
          perform 1 from workspace_membership_versions v where v.workspace_id = p_workspace_id for update;
        end if;
        member_account_id := v_account;
        select m.role into member_role from workspace_members m where m.workspace_id = p_workspace_id and m.user_id = p_user_id for share;
        return next;
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function enter_workspace(uuid, uuid, boolean)`);
  }
}
