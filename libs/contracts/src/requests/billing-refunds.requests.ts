import { FIELD_LIMITS } from './field-limits';
import { IntInRange, Optional, Text } from './field-decorators';

/** The owner refunds a milestone's payment: `amount` in integer minor units (omitted: everything that is left). */
export class CreateRefundBody {
  @Optional()
  @IntInRange({ min: 1, max: Number.MAX_SAFE_INTEGER })
  amount?: number;

  @Optional()
  @Text({ max: FIELD_LIMITS.noteMaxLength })
  reason?: string;
}

/** The owner's answer to the client's refund request (a note for the record). */
export class RefundRequestDecisionBody {
  @Optional()
  @Text({ max: FIELD_LIMITS.noteMaxLength })
  note?: string;
}
