import { AppError } from '@fpms/common/errors/app-error';
import { WebhookErrorCode } from '@fpms/contracts/errors/billing-webhooks.errors';

/** What the intake answers instead of 2xx. Stripe retries any non-2xx; a 400 names what was wrong with the delivery. */
export class WebhookError extends AppError<WebhookErrorCode> {
  static signatureMissing() {
    return new WebhookError(400, WebhookErrorCode.SignatureMissing, 'The Stripe-Signature header is missing');
  }
  static signatureInvalid() {
    return new WebhookError(400, WebhookErrorCode.SignatureInvalid, 'No signature in the Stripe-Signature header matches this endpoint');
  }
  static timestampOutsideTolerance(toleranceSeconds: number) {
    return new WebhookError(400, WebhookErrorCode.TimestampOutsideTolerance, 'The signature timestamp is outside the tolerance', {
      toleranceSeconds,
    });
  }
  static invalidEvent(reason: string) {
    return new WebhookError(400, WebhookErrorCode.InvalidEvent, 'The body is not a Stripe event', { reason });
  }
  static endpointNotConfigured(source: string) {
    return new WebhookError(503, WebhookErrorCode.EndpointNotConfigured, 'This webhook endpoint has no signing secret configured', {
      source,
      retryable: true,
    });
  }
  static storeUnavailable() {
    return new WebhookError(503, WebhookErrorCode.StoreUnavailable, 'The event could not be stored; retry shortly', { retryable: true });
  }
}
