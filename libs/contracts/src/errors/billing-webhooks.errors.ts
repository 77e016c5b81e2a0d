/** Error codes of billing's Stripe webhook intake (`POST /webhooks/stripe`, `POST /webhooks/stripe/connect`). */
export enum WebhookErrorCode {
  /** No `Stripe-Signature` header. */
  SignatureMissing = 'webhook_signature_missing',
  /** The header is malformed, or no signature in it matches any configured secret (a wrong or unknown secret, altered bytes). */
  SignatureInvalid = 'webhook_signature_invalid',
  /** A signature matches, but its timestamp is older than the tolerance (a replay, or a badly delayed delivery). */
  TimestampOutsideTolerance = 'webhook_timestamp_outside_tolerance',
  /** Signed correctly, but the body is not JSON or not a Stripe event. */
  InvalidEvent = 'webhook_event_invalid',
  /** The endpoint has no signing secret configured: nothing can be verified (503, so Stripe retries until it is fixed). */
  EndpointNotConfigured = 'webhook_endpoint_not_configured',
  /** The event could not be stored (database unreachable): 503, Stripe retries. */
  StoreUnavailable = 'webhook_store_unavailable',
}
