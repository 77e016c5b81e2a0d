import { Injectable } from '@nestjs/common';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

/**
 * SQL of personal-data export (issue 18 part 4) in billing. As a client the user paid in
 * other freelancers' accounts, so those rows are read across tenants on the system
 * connection, every query bound to the user id: their payments, the invoices addressed to
 * them, the refunds they asked for or started. As an owner, their account's payouts (a
 * tenant transaction). Invoices the account issued to clients are the clients' data and
 * stay out.
 */
@Injectable()
export class PersonalDataRepository {
  async asClient(manager: SystemManager, userId: string): Promise<Record<string, unknown[]>> {
    const q = (sql: string) => manager.query(sql, [userId]) as Promise<unknown[]>;
    return {
      'billing/payments.json': await q(
        `select id, workspace_id as "workspaceId", milestone_id as "milestoneId", kind, amount, currency, status,
                charged, refunded, created_at as "createdAt", released_at as "releasedAt"
           from orders where client_user_id = $1 order by created_at, id`,
      ),
      'billing/invoices-received.json': await q(
        `select i.id, i.kind, i.number, i.currency, i.seller, i.buyer, i.lines, i.subtotal, i.tax_amount as "taxAmount",
                i.total, i.issued_at as "issuedAt", i.paid_at as "paidAt", i.file_version_id as "pdfFileVersionId"
           from invoices i join orders o on o.id = i.order_id
          where o.client_user_id = $1 order by i.issued_at, i.id`,
      ),
      'billing/refund-requests.json': await q(
        `select id, workspace_id as "workspaceId", milestone_id as "milestoneId", status, note, requested_at as "requestedAt", decided_at as "decidedAt"
           from refund_requests where requested_by = $1 order by requested_at, id`,
      ),
      'billing/refunds-initiated.json': await q(
        `select id, workspace_id as "workspaceId", milestone_id as "milestoneId", amount, currency, status, reason,
                created_at as "createdAt", completed_at as "completedAt"
           from refunds where initiated_by_user = $1 order by created_at, id`,
      ),
    };
  }

  async payoutsOf(manager: TenantManager, accountId: string): Promise<unknown[]> {
    return manager.query(
      `select stripe_payout_id as "payoutId", amount, currency, status, arrival_date as "arrivalDate",
              failure_code as "failureCode", paid_at as "paidAt", failed_at as "failedAt"
         from payouts where account_id = $1 order by seq`,
      [accountId],
    );
  }
}
