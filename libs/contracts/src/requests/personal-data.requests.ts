import { IsISO8601, IsObject } from 'class-validator';
import { EntityId } from './field-decorators';

/**
 * The gateway's job hands the sections it gathered to the files service, which adds the
 * user's own uploaded files and stores the ZIP (issue 18 part 4).
 */
export class BuildPersonalDataArchiveRequest {
  @EntityId()
  exportId!: string;

  /** When the archive is deleted (ISO time): the download link's 7 days. */
  @IsISO8601({ strict: true })
  expiresAt!: string;

  /** `<service>/<name>.json` → the JSON value stored under that name in the archive. */
  @IsObject()
  sections!: Record<string, unknown>;
}

/** A short-lived download URL of a stored archive (only its owner's). */
export class PersonalDataArchiveUrlRequest {
  @EntityId()
  exportId!: string;
}
