/**
 * Every limit a request field has, in one place: the gateway's HTTP validation and the
 * services' RPC check both read these through the request classes beside this file.
 */
export const FIELD_LIMITS = {
  /** A time entry's note. */
  timeEntryNoteMaxLength: 2000,
  /** An hourly contract's weekly cap, in whole hours. */
  weeklyCapHours: { min: 1, max: 168 },
  /** Minor units (cents): 10^12 at most, ten billion in a two-decimal currency. */
  amountMax: 1_000_000_000_000,
  titleLength: { min: 1, max: 200 },
  descriptionMaxLength: 10_000,
  /** A note on a milestone command (why changes are requested, why a dispute is opened). */
  noteMaxLength: 2000,
  nameLength: { min: 1, max: 200 },
  personNameLength: { min: 1, max: 100 },
  emailMaxLength: 254,
  /** What login accepts (any stored password fits). */
  passwordLength: { min: 1, max: 200 },
  /** What a new password must be (NIST 800-63B: length, no composition rules). */
  passwordPolicyLength: { min: 10, max: 200 },
  reviewWindowDays: { min: 1, max: 30 },
  pageLimit: { max: 200, default: 50 },
  invitationMaxUses: { max: 100, default: 1 },
  invitationExpiresInHours: { max: 24 * 30, default: 24 * 7 },
  invitationTokenLength: { min: 10, max: 200 },
  refreshTokenMaxLength: 512,
  adminReasonLength: { min: 10, max: 500 },
  adminAuditLimit: { max: 500, default: 100 },
  /** Stripe webhook events per page of the admin list. */
  webhookEventListLimit: { max: 500, default: 100 },
  taskStatusKeyMaxLength: 40,
  taskStatusNameLength: { min: 1, max: 60 },
  taskStatusCount: { min: 2, max: 20 },
  fileNameLength: { min: 1, max: 255 },
  contentTypeMaxLength: 127,
  fileListLimit: { max: 500, default: 100 },
  uploadParts: { max: 10_000 },
  etagMaxLength: 200,
  pinnedForLength: { min: 1, max: 200 },
  /** An invoice's postal address (several lines). */
  invoiceAddressMaxLength: 500,
  /** A VAT or other tax id as printed on an invoice. */
  taxIdMaxLength: 40,
  authorizeActionMaxLength: 64,
  /** A message's text, in characters, counted as given (never trimmed: stored exactly as sent). */
  messageTextLength: { min: 1, max: 10_000 },
  /** File versions attached to one message. */
  messageAttachmentsMax: 10,
  /** Members one message may mention (each is notified). */
  messageMentionsMax: 20,
  messagePageLimit: { max: 100, default: 50 },
  /** A dispute statement (the opener's, or one piece of evidence). */
  disputeStatementMaxLength: 5000,
  /** References one piece of dispute evidence may carry, per kind. */
  disputeEvidenceRefs: { max: 20 },
  /** Gates in one approval chain, approvers named on one gate, thresholds on one gate. */
  approvalGatesMax: 5,
  approvalApproversMax: 20,
  approvalThresholdsMax: 10,
  approvalGateNameLength: 80,
  /** An approver's (or a rejecting approver's) reason. */
  approvalReasonLength: 2000,
  /** The longest period one earnings report covers, in days (ten years and leap days). */
  earningsReportMaxDays: 3653,
} as const;
