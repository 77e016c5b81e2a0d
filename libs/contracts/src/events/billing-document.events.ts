import { z } from 'zod';

/**
 * Documents billing issues (invoices, credit notes) on their way into the files service.
 * Envelope: `tenant = { accountId, workspaceId }`, `aggregateId` = the document's id,
 * `aggregateVersion` = its render attempt.
 */
export const BillingDocumentEvents = {
  /** A document's PDF was rendered: the files service stores it in the workspace, pinned. */
  documentRendered: 'billing.document.rendered',
} as const;

/** The largest PDF billing hands over (base64 grows it by a third on the broker). */
export const BILLING_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024;

export const documentRenderedDataSchema = z.object({
  documentId: z.uuid(),
  workspaceId: z.uuid(),
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string().min(1).max(80),
  /** The file name in the workspace, e.g. `INV-2026-0001.pdf`. */
  fileName: z.string().min(1).max(255),
  contentType: z.literal('application/pdf'),
  size: z.number().int().positive().max(BILLING_DOCUMENT_MAX_BYTES),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentBase64: z
    .string()
    .min(1)
    .max(Math.ceil(BILLING_DOCUMENT_MAX_BYTES / 3) * 4 + 4),
});
export type DocumentRenderedData = z.infer<typeof documentRenderedDataSchema>;

export const billingDocumentEventDataSchemas = {
  [BillingDocumentEvents.documentRendered]: documentRenderedDataSchema,
} as const;
