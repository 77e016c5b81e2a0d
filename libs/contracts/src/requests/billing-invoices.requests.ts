import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { IntInRange, NumberPattern, Optional, OptionalNullable, PrintableText, Text } from './field-decorators';

/**
 * The freelancer's invoicing details (the seller on every invoice the account issues). Each
 * invoice copies them when it is finalised: a later change never alters an issued one.
 * Fields left out keep their value; `null` clears an optional one.
 */
export class InvoiceProfileBody {
  @Optional()
  @PrintableText(FIELD_LIMITS.nameLength)
  businessName?: string;

  @OptionalNullable()
  @Text({ max: FIELD_LIMITS.invoiceAddressMaxLength })
  address?: string | null;

  @OptionalNullable()
  @PrintableText({ min: 1, max: FIELD_LIMITS.taxIdMaxLength })
  taxId?: string | null;

  /** Basis points (2000 = 20 %): the rate the freelancer charges; no tax engine decides it. */
  @Optional()
  @IntInRange({ min: 0, max: 10_000 })
  taxRateBasisPoints?: number;

  /** Printed on every invoice, e.g. "Reverse charge: VAT to be accounted for by the recipient". */
  @OptionalNullable()
  @Text({ min: 1, max: FIELD_LIMITS.noteMaxLength })
  taxNote?: string | null;

  @Optional()
  @NumberPattern()
  invoiceNumberPattern?: string;

  @Optional()
  @NumberPattern()
  creditNoteNumberPattern?: string;
}

/** The client's details for the workspace's invoices (the buyer). */
export class InvoiceBuyerBody {
  @PrintableText(FIELD_LIMITS.nameLength)
  name!: string;

  @OptionalNullable()
  @Text({ max: FIELD_LIMITS.invoiceAddressMaxLength })
  address?: string | null;

  @OptionalNullable()
  @PrintableText({ min: 1, max: FIELD_LIMITS.taxIdMaxLength })
  taxId?: string | null;
}

export class InvoiceBuyerRequest extends Addressed(InvoiceBuyerBody, 'workspaceId') {}
export class InvoiceRef extends Addressed(class InvoiceRefFields {}, 'workspaceId', 'invoiceId') {}
