import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_CREDIT_NOTE_NUMBER_PATTERN, DEFAULT_INVOICE_NUMBER_PATTERN } from '@fpms/contracts';
import { writeQuery } from '@fpms/database';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { InvoiceRecord, NewInvoice, toInvoice } from './invoice';
import { formatNumber, periodOf } from './numbering';

export interface InvoiceProfile {
  accountId: string;
  businessName: string | null;
  address: string | null;
  taxId: string | null;
  taxRateBasisPoints: number;
  taxNote: string | null;
  invoicePattern: string;
  creditNotePattern: string;
  updatedAt: Date | null;
}

export interface InvoiceBuyer {
  workspaceId: string;
  name: string;
  address: string | null;
  taxId: string | null;
  updatedAt: Date;
}

const DEFAULT_PROFILE = (accountId: string): InvoiceProfile => ({
  accountId,
  businessName: null,
  address: null,
  taxId: null,
  taxRateBasisPoints: 0,
  taxNote: null,
  invoicePattern: DEFAULT_INVOICE_NUMBER_PATTERN,
  creditNotePattern: DEFAULT_CREDIT_NOTE_NUMBER_PATTERN,
  updatedAt: null,
});

const toProfile = (r: Record<string, unknown>): InvoiceProfile => ({
  accountId: r.account_id as string,
  businessName: (r.business_name as string | null) ?? null,
  address: (r.address as string | null) ?? null,
  taxId: (r.tax_id as string | null) ?? null,
  taxRateBasisPoints: Number(r.tax_rate_bp),
  taxNote: (r.tax_note as string | null) ?? null,
  invoicePattern: r.invoice_pattern as string,
  creditNotePattern: r.credit_note_pattern as string,
  updatedAt: new Date(r.updated_at as string),
});

const SELECT_INVOICE = `select i.*, c.number as credit_for_number from invoices i left join invoices c on c.id = i.credit_for`;

/**
 * Invoicing details and documents. Finalising runs in the fact's own transaction (the
 * webhook's, on the system pool), so it takes any manager; members read through tenant
 * transactions.
 */
@Injectable()
export class InvoicesRepository {
  async profile(manager: EntityManager, accountId: string): Promise<InvoiceProfile> {
    const [row] = await manager.query(`select * from invoice_profiles where account_id = $1`, [accountId]);
    return row ? toProfile(row) : DEFAULT_PROFILE(accountId);
  }

  async saveProfile(manager: TenantManager, p: InvoiceProfile): Promise<InvoiceProfile> {
    const {
      rows: [row],
    } = await writeQuery<Record<string, unknown>>(
      manager,
      `insert into invoice_profiles (account_id, business_name, address, tax_id, tax_rate_bp, tax_note, invoice_pattern, credit_note_pattern)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (account_id) do update set business_name = excluded.business_name, address = excluded.address, tax_id = excluded.tax_id,
         tax_rate_bp = excluded.tax_rate_bp, tax_note = excluded.tax_note, invoice_pattern = excluded.invoice_pattern,
         credit_note_pattern = excluded.credit_note_pattern, updated_at = now()
       returning *`,
      [p.accountId, p.businessName, p.address, p.taxId, p.taxRateBasisPoints, p.taxNote, p.invoicePattern, p.creditNotePattern],
    );
    return toProfile(row);
  }

  async buyer(manager: EntityManager, workspaceId: string): Promise<InvoiceBuyer | null> {
    const [row] = await manager.query(`select * from invoice_buyers where workspace_id = $1`, [workspaceId]);
    return row
      ? {
          workspaceId: row.workspace_id,
          name: row.name,
          address: row.address ?? null,
          taxId: row.tax_id ?? null,
          updatedAt: new Date(row.updated_at),
        }
      : null;
  }

  async saveBuyer(
    manager: TenantManager,
    b: { accountId: string; workspaceId: string; name: string; address: string | null; taxId: string | null; by: string },
  ): Promise<InvoiceBuyer> {
    await manager.query(
      `insert into invoice_buyers (workspace_id, account_id, name, address, tax_id, updated_by) values ($1, $2, $3, $4, $5, $6)
       on conflict (workspace_id) do update set name = excluded.name, address = excluded.address, tax_id = excluded.tax_id,
         updated_by = excluded.updated_by, updated_at = now()`,
      [b.workspaceId, b.accountId, b.name, b.address, b.taxId, b.by],
    );
    return (await this.buyer(manager, b.workspaceId)) as InvoiceBuyer;
  }

  /**
   * Takes the next number of the account's series in the period the pattern and the issue
   * date give. The upsert increments the counter row and holds its lock until the caller's
   * transaction ends: concurrent finalisations of the account queue on it (other accounts
   * never wait), and a rollback gives the number back with the increment, so numbers are
   * never skipped and never reused.
   */
  async nextNumber(
    manager: EntityManager,
    accountId: string,
    series: 'invoice' | 'credit_note',
    pattern: string,
    at: Date,
  ): Promise<{ period: string; sequence: number; number: string }> {
    const period = periodOf(pattern, at);
    const {
      rows: [row],
    } = await writeQuery<{ last_number: number }>(
      manager,
      `insert into invoice_counters (account_id, series, period, last_number) values ($1, $2, $3, 1)
       on conflict (account_id, series, period) do update set last_number = invoice_counters.last_number + 1
       returning last_number`,
      [accountId, series, period],
    );
    const sequence = Number(row.last_number);
    return { period, sequence, number: formatNumber(pattern, at, sequence) };
  }

  /** Whether the order's invoice exists (a redelivered fact finds it and issues nothing). */
  async findInvoiceOfOrder(manager: EntityManager, orderId: string): Promise<InvoiceRecord | null> {
    const rows = await manager.query(`${SELECT_INVOICE} where i.order_id = $1 and i.kind = 'invoice'`, [orderId]);
    return rows[0] ? toInvoice(rows[0]) : null;
  }

  /** An invoice issued before its payment (an hourly week's) is paid now. */
  async markPaid(manager: EntityManager, invoiceId: string, paidAt: Date): Promise<void> {
    await manager.query(`update invoices set paid_at = $2 where id = $1 and paid_at is null`, [invoiceId, paidAt]);
  }

  async findCreditNoteOfRefund(manager: EntityManager, refundKey: string): Promise<InvoiceRecord | null> {
    const rows = await manager.query(`${SELECT_INVOICE} where i.refund_key = $1 and i.kind = 'credit_note'`, [refundKey]);
    return rows[0] ? toInvoice(rows[0]) : null;
  }

  async insert(
    manager: EntityManager,
    doc: NewInvoice & { series: string; period: string; sequence: number; number: string },
  ): Promise<void> {
    await manager.query(
      `insert into invoices (id, account_id, workspace_id, order_id, milestone_id, kind, series, period, sequence, number, credit_for, refund_key,
                             currency, seller, buyer, lines, subtotal, tax_rate_bp, tax_amount, total, tax_note, platform_fee, issued_at, paid_at,
                             pdf_next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $23)`,
      [
        doc.id,
        doc.accountId,
        doc.workspaceId,
        doc.orderId,
        doc.milestoneId,
        doc.kind,
        doc.series,
        doc.period,
        doc.sequence,
        doc.number,
        doc.creditFor,
        doc.refundKey,
        doc.currency,
        JSON.stringify(doc.seller),
        JSON.stringify(doc.buyer),
        JSON.stringify(doc.lines),
        doc.subtotal,
        doc.taxRateBasisPoints,
        doc.taxAmount,
        doc.total,
        doc.taxNote,
        doc.platformFee,
        doc.issuedAt,
        doc.paidAt,
      ],
    );
  }

  async list(manager: TenantManager, workspaceId: string): Promise<InvoiceRecord[]> {
    const rows = await manager.query(`${SELECT_INVOICE} where i.workspace_id = $1 order by i.issued_at desc, i.created_at desc, i.id`, [
      workspaceId,
    ]);
    return rows.map(toInvoice);
  }

  async find(manager: TenantManager, workspaceId: string, id: string): Promise<InvoiceRecord | null> {
    const rows = await manager.query(`${SELECT_INVOICE} where i.workspace_id = $1 and i.id = $2`, [workspaceId, id]);
    return rows[0] ? toInvoice(rows[0]) : null;
  }

  async creditNotesOf(manager: TenantManager, invoiceIds: string[]): Promise<InvoiceRecord[]> {
    if (invoiceIds.length === 0) return [];
    const rows = await manager.query(`${SELECT_INVOICE} where i.credit_for = any($1::uuid[]) order by i.issued_at, i.sequence`, [
      invoiceIds,
    ]);
    return rows.map(toInvoice);
  }

  /** Documents whose PDF is due (every replica; SKIP LOCKED, held until the caller's transaction ends). */
  async claimPdfDue(manager: SystemManager, now: Date, limit: number): Promise<InvoiceRecord[]> {
    const rows = await manager.query(
      `${SELECT_INVOICE} where i.id in (
         select id from invoices where pdf_status = 'pending' and pdf_next_attempt_at <= $1
          order by pdf_next_attempt_at limit $2 for update skip locked)`,
      [now, limit],
    );
    return rows.map(toInvoice);
  }

  async markRendered(manager: SystemManager, id: string, sha256: string): Promise<void> {
    await manager.query(
      `update invoices set pdf_status = 'rendered', pdf_sha256 = $2, pdf_attempts = pdf_attempts + 1, pdf_last_error = null where id = $1`,
      [id, sha256],
    );
  }

  async markPdfFailed(manager: SystemManager, id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await manager.query(
      `update invoices set pdf_attempts = pdf_attempts + 1, pdf_last_error = $2, pdf_next_attempt_at = $3 where id = $1 and pdf_status = 'pending'`,
      [id, error.slice(0, 500), nextAttemptAt],
    );
  }

  /** The files service stored the PDF: the document now names its file version (once; a duplicate changes nothing). */
  async markStored(manager: TenantManager, id: string, file: { fileId: string; versionId: string }): Promise<boolean> {
    const { affected } = await writeQuery(
      manager,
      `update invoices set pdf_status = 'stored', file_id = $2, file_version_id = $3 where id = $1 and file_version_id is null`,
      [id, file.fileId, file.versionId],
    );
    return affected > 0;
  }
}
