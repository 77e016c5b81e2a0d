import { PaymentErrorCode } from '@fpms/contracts/errors';
import { AppError } from '@fpms/common/errors/app-error';
import type { CheckoutSessions } from './checkout-sessions';
import type { Order } from './order';
import { PaymentError } from './payments.errors';

/**
 * What funding and pay-now share around a new Checkout attempt on a locked order.
 *
 * A session past its time may still be open on Stripe: it is closed first, so two sessions
 * can never both be paid; one that was paid meanwhile refuses the new attempt (its webhook
 * is on the way).
 */
export async function closePreviousSession(sessions: CheckoutSessions, order: Order): Promise<void> {
  if (!order.checkoutSessionId) return;
  const previous = await paymentProviderCall(() => sessions.expire(order.checkoutSessionId as string));
  if (previous.status === 'complete') {
    throw new PaymentError(409, PaymentErrorCode.NotFundable, 'A payment for this milestone is being confirmed', {
      checkoutSessionId: previous.id,
    });
  }
}

/** Stripe unreachable or refusing for now: a 503 the client may retry (the idempotency key makes the retry safe). */
export async function paymentProviderCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new PaymentError(503, PaymentErrorCode.PaymentProviderUnavailable, 'The payment provider is unavailable; try again shortly', {
      reason: (error as Error).message?.slice(0, 200),
    });
  }
}
