import { FIELD_LIMITS } from './field-limits';
import { IntInRange, Optional, OptionalNullable, Text } from './field-decorators';

/**
 * What every editable work item (milestone, task) shares: optimistic concurrency through
 * `expectedVersion` (409 if the item moved on), a title, and a clearable description.
 */
export class VersionedEdit {
  /** Refuse (409) if the item moved on since this version. */
  @Optional()
  @IntInRange({ min: 1, max: Number.MAX_SAFE_INTEGER })
  expectedVersion?: number;

  @Optional()
  @Text(FIELD_LIMITS.titleLength)
  title?: string;

  /** null clears it. */
  @OptionalNullable()
  @Text({ max: FIELD_LIMITS.descriptionMaxLength })
  description?: string | null;
}
