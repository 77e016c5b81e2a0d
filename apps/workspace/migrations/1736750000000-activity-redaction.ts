import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure reaches the activity log (issue 18 part 5). The log stays append-only for the
 * runtime and system roles; the one change it accepts is `redact_activity_address`, a
 * SECURITY DEFINER function (it runs as the owner, the only role with UPDATE) that replaces
 * an erased user's address in the snapshots of one tenant's entries. The trigger refuses
 * every other UPDATE and every DELETE, the owner's included, as before.
 */
export class ActivityRedaction1736750000000 implements MigrationInterface {
  name = 'ActivityRedaction1736750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function activity_log_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and current_setting('fpms.activity_redaction', true) = 'on' then
          return new;
        end if;
        raise exception '% is append-only', tg_table_name using errcode = '42501';
      end $$`);
    await q.query(`drop trigger activity_log_append_only on activity_log`);
    await q.query(
      `create trigger activity_log_append_only before update or delete on activity_log for each row execute function activity_log_guard()`,
    );
    // Per tenant: the log has FORCE RLS, so the owner sees a tenant's rows only with its settings,
    // which the function sets for its own transaction (set_config(..., true)).
    await q.query(`
      create function redact_activity_address(p_account_id uuid, p_address text, p_pseudonym text) returns integer
      language plpgsql security definer set search_path = public as $$
      declare changed integer;
      begin
        perform set_config('app.account_id', p_account_id::text, true);
        perform set_config('app.workspace_id', '', true);
        perform set_config('fpms.activity_redaction', 'on', true);
        update activity_log
           set before = case when before->>'email' = p_address then jsonb_set(before, '{email}', to_jsonb(p_pseudonym)) else before end,
               after = case when after->>'email' = p_address then jsonb_set(after, '{email}', to_jsonb(p_pseudonym)) else after end
         where account_id = p_account_id and (before->>'email' = p_address or after->>'email' = p_address);
        get diagnostics changed = row_count;
        perform set_config('fpms.activity_redaction', '', true);
        return changed;
      end $$`);
    await q.query(`
      do $$
      declare base text := regexp_replace(current_user, '_owner$', '');
      begin
        -- Default privileges (tools/infra/provision) grant EXECUTE on new functions to the runtime role too.
        execute format('revoke all on function redact_activity_address(uuid, text, text) from public, %I', base || '_app');
        execute format('grant execute on function redact_activity_address(uuid, text, text) to %I', base || '_system');
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function redact_activity_address(uuid, text, text)`);
    await q.query(`drop trigger activity_log_append_only on activity_log`);
    await q.query(
      `create trigger activity_log_append_only before update or delete on activity_log for each statement execute function forbid_modification()`,
    );
    await q.query(`drop function activity_log_guard()`);
  }
}
