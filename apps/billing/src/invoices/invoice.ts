import type { InvoiceLine, InvoiceParty } from '@fpms/contracts';
import { dateOrNull, numberOrNull } from '../payments/row-values';

export type DocumentKind = 'invoice' | 'credit_note';

/** An `invoices` row (an invoice or a credit note), as the repository returns it. */
export interface InvoiceRecord {
  id: string;
  accountId: string;
  workspaceId: string;
  orderId: string;
  milestoneId: string;
  kind: DocumentKind;
  series: string;
  period: string;
  sequence: number;
  number: string;
  creditFor: string | null;
  creditForNumber: string | null;
  refundKey: string | null;
  currency: string;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  lines: InvoiceLine[];
  subtotal: number;
  taxRateBasisPoints: number;
  taxAmount: number;
  total: number;
  taxNote: string | null;
  platformFee: number | null;
  issuedAt: Date;
  paidAt: Date | null;
  pdfStatus: 'pending' | 'rendered' | 'stored';
  pdfAttempts: number;
  pdfLastError: string | null;
  fileId: string | null;
  fileVersionId: string | null;
}

export function toInvoice(r: Record<string, unknown>): InvoiceRecord {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    orderId: r.order_id as string,
    milestoneId: r.milestone_id as string,
    kind: r.kind as DocumentKind,
    series: r.series as string,
    period: r.period as string,
    sequence: Number(r.sequence),
    number: r.number as string,
    creditFor: (r.credit_for as string | null) ?? null,
    creditForNumber: (r.credit_for_number as string | null) ?? null,
    refundKey: (r.refund_key as string | null) ?? null,
    currency: r.currency as string,
    seller: r.seller as InvoiceParty,
    buyer: r.buyer as InvoiceParty,
    lines: r.lines as InvoiceLine[],
    subtotal: Number(r.subtotal),
    taxRateBasisPoints: Number(r.tax_rate_bp),
    taxAmount: Number(r.tax_amount),
    total: Number(r.total),
    taxNote: (r.tax_note as string | null) ?? null,
    platformFee: numberOrNull(r.platform_fee),
    issuedAt: new Date(r.issued_at as string),
    paidAt: dateOrNull(r.paid_at),
    pdfStatus: r.pdf_status as InvoiceRecord['pdfStatus'],
    pdfAttempts: Number(r.pdf_attempts),
    pdfLastError: (r.pdf_last_error as string | null) ?? null,
    fileId: (r.file_id as string | null) ?? null,
    fileVersionId: (r.file_version_id as string | null) ?? null,
  };
}

/** What is written when a document is finalised (its number is taken in the same statement's transaction). */
export interface NewInvoice {
  id: string;
  accountId: string;
  workspaceId: string;
  orderId: string;
  milestoneId: string;
  kind: DocumentKind;
  creditFor: string | null;
  refundKey: string | null;
  currency: string;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  lines: InvoiceLine[];
  subtotal: number;
  taxRateBasisPoints: number;
  taxAmount: number;
  total: number;
  taxNote: string | null;
  platformFee: number | null;
  issuedAt: Date;
  paidAt: Date | null;
}
