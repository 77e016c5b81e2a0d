import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/** The client group of money whose paying client billing does not know (orders older than `orders.client_user_id`). */
export const UNKNOWN_CLIENT = '00000000-0000-0000-0000-000000000000';

/**
 * Fills `earnings_daily` and `earnings_order_state` from the orders and the money ledger as
 * they stand (run by the migration below on the owner role with RLS lifted, and by the
 * earnings benchmark on the system role). Per day of each ledger entry: gross (charges), net
 * (transfers − reversals), platform fees (fee entries), refunds (refund entries; the ones an
 * in-app dispute decided count as disputes); at the day of the order's last change: the fee
 * the platform gave back (Σ fee entries − the order's fee now) and lost chargebacks (refunded
 * − Σ refund entries). In escrow is what is left of each day's movement, so every figure
 * sums to the order's money state. Releases are timed from the milestone's last submission
 * before the release transfer (billing's `milestone_activity`).
 */
export async function backfillEarnings(q: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void> {
  await q.query(`
    insert into earnings_order_state (order_id, account_id, workspace_id, client_user_id, currency, version,
                                      charged, released, platform_fee, refunded, release_timed)
    select o.id, o.account_id, o.workspace_id, coalesce(o.client_user_id, '${UNKNOWN_CLIENT}'::uuid), o.currency, o.version,
           o.charged, o.released, o.platform_fee, o.refunded, o.released > 0
      from orders o
     where o.charged > 0
    on conflict (order_id) do nothing`);
  await q.query(`
    with movements as (
      select e.account_id, e.workspace_id, s.client_user_id, e.currency, (e.created_at at time zone 'UTC')::date as day,
             case when e.kind = 'charge' then e.amount else 0 end as gross,
             case when e.kind = 'platform_fee' then e.amount else 0 end as fees,
             case when e.kind = 'refund' and coalesce(r.initiated_by, '') <> 'dispute' then e.amount else 0 end as refunds,
             case when e.kind = 'refund' and r.initiated_by = 'dispute' then e.amount else 0 end as disputes,
             case when e.kind = 'transfer' then e.amount when e.kind = 'reversal' then -e.amount else 0 end as net,
             case when e.kind = 'transfer' then 1 else 0 end as releases,
             case when e.kind = 'transfer' and sub.at is not null then 1 else 0 end as timed,
             case when e.kind = 'transfer' and sub.at is not null
                  then greatest(0, extract(epoch from e.created_at - sub.at))::bigint else 0 end as seconds
        from ledger_entries e
        join earnings_order_state s on s.order_id = e.order_id
        join orders o on o.id = e.order_id
        left join refunds r on e.kind = 'refund' and r.stripe_refund_id = e.stripe_object_id
        left join lateral (
          select max(a.occurred_at) as at from milestone_activity a
           where e.kind = 'transfer' and a.milestone_id = o.milestone_id
             and a.event_type = 'workspace.milestone.submitted' and a.occurred_at <= e.created_at
        ) sub on true
       where e.kind in ('charge', 'platform_fee', 'refund', 'transfer', 'reversal')
      union all
      select o.account_id, o.workspace_id, s.client_user_id, o.currency, (o.updated_at at time zone 'UTC')::date,
             0, -(t.fees - o.platform_fee), 0, o.refunded - t.refunds, 0, 0, 0, 0
        from orders o
        join earnings_order_state s on s.order_id = o.id
        join lateral (
          select coalesce(sum(amount) filter (where kind = 'platform_fee'), 0) as fees,
                 coalesce(sum(amount) filter (where kind = 'refund'), 0) as refunds
            from ledger_entries where order_id = o.id
        ) t on true
       where t.fees <> o.platform_fee or t.refunds <> o.refunded
    )
    insert into earnings_daily (account_id, currency, day, workspace_id, client_user_id,
                                gross, platform_fees, refunds, disputes, net, in_escrow, releases, timed_releases, release_seconds)
    select account_id, currency, day, workspace_id, client_user_id,
           sum(gross), sum(fees), sum(refunds), sum(disputes), sum(net),
           sum(gross) - sum(fees) - sum(refunds) - sum(disputes) - sum(net),
           sum(releases), sum(timed), sum(seconds)
      from movements
     group by account_id, currency, day, workspace_id, client_user_id
    on conflict (account_id, currency, day, workspace_id, client_user_id) do update set
      gross = earnings_daily.gross + excluded.gross,
      platform_fees = earnings_daily.platform_fees + excluded.platform_fees,
      refunds = earnings_daily.refunds + excluded.refunds,
      disputes = earnings_daily.disputes + excluded.disputes,
      net = earnings_daily.net + excluded.net,
      in_escrow = earnings_daily.in_escrow + excluded.in_escrow,
      releases = earnings_daily.releases + excluded.releases,
      timed_releases = earnings_daily.timed_releases + excluded.timed_releases,
      release_seconds = earnings_daily.release_seconds + excluded.release_seconds`);
}

/**
 * The earnings report's read model (issue 15, item 4): one row per account, currency, UTC day,
 * workspace and paying client holding that day's money movements, written in the same
 * transaction as the order's money state and its ledger entries (EarningsRecorder), so a
 * report is a range read over days that never drifts from the ledger; `earnings_order_state`
 * is the last money state each order contributed (the recorder applies only the difference).
 * Orders learn their paying client (`client_user_id`, the client admin who opened the
 * checkout); existing ones take the client admin who accepted the milestone.
 */
export class EarningsReadModel1736100000000 implements MigrationInterface {
  name = 'EarningsReadModel1736100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table orders add column client_user_id uuid`);
    await q.query(`
      create table earnings_daily (
        account_id uuid not null,
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        day date not null,
        workspace_id uuid not null,
        client_user_id uuid not null,
        gross bigint not null default 0,
        platform_fees bigint not null default 0,
        refunds bigint not null default 0,
        disputes bigint not null default 0,
        net bigint not null default 0,
        in_escrow bigint not null default 0,
        releases integer not null default 0,
        timed_releases integer not null default 0,
        release_seconds bigint not null default 0,
        primary key (account_id, currency, day, workspace_id, client_user_id)
      )`);
    await q.query(`create index earnings_daily_day on earnings_daily (account_id, day)`);
    await q.query(`
      create table earnings_order_state (
        order_id uuid primary key references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        client_user_id uuid not null,
        currency text not null,
        version integer not null,
        charged bigint not null,
        released bigint not null,
        platform_fee bigint not null,
        refunded bigint not null,
        release_timed boolean not null default false
      )`);

    // The backfill reads every tenant's rows: RLS is lifted for this transaction's statements only.
    const tables = ['orders', 'ledger_entries', 'refunds', 'milestone_activity'];
    for (const t of tables) await q.query(`alter table ${t} no force row level security`);
    await q.query(`
      update orders o set client_user_id = a.actor_user_id
        from (select distinct on (milestone_id) milestone_id, actor_user_id from milestone_activity
               where event_type = 'workspace.milestone.accepted' and actor_user_id is not null
               order by milestone_id, occurred_at desc) a
       where a.milestone_id = o.milestone_id and o.client_user_id is null`);
    await backfillEarnings(q);
    for (const t of tables) await q.query(`alter table ${t} force row level security`);

    await enableTenantRls(q, 'earnings_daily', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await enableTenantRls(q, 'earnings_order_state', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table earnings_order_state`);
    await q.query(`drop table earnings_daily`);
    await q.query(`alter table orders drop column client_user_id`);
  }
}
