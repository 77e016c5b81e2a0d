/** Error codes of invoices and credit notes (billing). */
export enum InvoiceErrorCode {
  /** No such invoice in this workspace (another tenant's included). */
  NotFound = 'invoice_not_found',
  /** The PDF is still being rendered and stored: try again shortly. */
  PdfNotReady = 'invoice_pdf_not_ready',
  /** Invoicing details are the account owner's to set. */
  OwnerRequired = 'invoice_profile_owner_required',
}
