import { NoFields, WorkspaceRef } from '../requests/addressed';
import { InvoiceBuyerRequest, InvoiceProfileBody, InvoiceRef } from '../requests/billing-invoices.requests';
import type { DownloadView } from './files.rpc';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

export const DEFAULT_INVOICE_NUMBER_PATTERN = 'INV-{YYYY}-{0000}';
export const DEFAULT_CREDIT_NOTE_NUMBER_PATTERN = 'CN-{YYYY}-{0000}';

export interface InvoiceProfileView {
  businessName: string | null;
  address: string | null;
  taxId: string | null;
  taxRateBasisPoints: number;
  taxNote: string | null;
  invoiceNumberPattern: string;
  creditNoteNumberPattern: string;
  updatedAt: string | null;
}

export interface InvoiceBuyerView {
  workspaceId: string;
  name: string;
  address: string | null;
  taxId: string | null;
  updatedAt: string;
}

export interface InvoiceParty {
  name: string;
  address: string | null;
  taxId: string | null;
}

export interface InvoiceLine {
  description: string;
  quantity: number;
  /** Integer minor units, tax included (what the client pays per unit). */
  unitAmount: number;
  amount: number;
}

/**
 * An issued invoice or credit note: an immutable snapshot taken when it was finalised. Amounts
 * are integer minor units of `currency`; `total` = `subtotal` + `taxAmount` (a credit note's
 * are the refunded amounts, positive). `platformFee` is shown to the freelancer side only (null
 * for the client, and on the PDF).
 */
export interface InvoiceView {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  workspaceId: string;
  milestoneId: string;
  orderId: string;
  /** A credit note's invoice. */
  creditFor: { invoiceId: string; number: string } | null;
  refundId: string | null;
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
  issuedAt: string;
  paidAt: string | null;
  /** `pending`: being rendered and stored; `stored`: downloadable (`file`). */
  pdf: { status: 'pending' | 'stored'; fileId: string | null; fileVersionId: string | null };
  /** An invoice's credit notes (empty for a credit note). */
  creditNotes: Array<{ id: string; number: string; total: number; issuedAt: string }>;
}

export const BillingInvoicesRpc = {
  /** The caller's own account's invoicing details (its owner only). */
  getProfile: rpcPattern<InvoiceProfileView>()(queue, 'billing.invoices.profile.get', NoFields),
  setProfile: rpcPattern<InvoiceProfileView>()(queue, 'billing.invoices.profile.set', InvoiceProfileBody),
  /** The client side's details for the workspace's invoices (a client admin). */
  setBuyer: rpcPattern<InvoiceBuyerView>()(queue, 'billing.invoices.buyer.set', InvoiceBuyerRequest),
  /** Invoices and credit notes of the workspace, newest first (any member). */
  list: rpcPattern<{ items: InvoiceView[] }>()(queue, 'billing.invoices.list', WorkspaceRef),
  get: rpcPattern<InvoiceView>()(queue, 'billing.invoices.get', InvoiceRef),
  /** A short-lived download URL of the stored PDF (409 `invoice_pdf_not_ready` until it is stored). */
  pdf: rpcPattern<DownloadView>()(queue, 'billing.invoices.pdf', InvoiceRef),
} as const;
