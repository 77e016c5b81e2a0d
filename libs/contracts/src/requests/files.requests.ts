import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, Matches, ValidateNested } from 'class-validator';
import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { EntityId, IntInRange, Opaque, Optional, PrintableText, QueryBoolean, QueryInt, Text } from './field-decorators';

/** Bytes: a positive integer JavaScript holds exactly. */
const ByteSize = () => IntInRange({ min: 1, max: Number.MAX_SAFE_INTEGER });

const lowerCased = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value));

/** A MIME type such as application/pdf; carried lower-case. */
const ContentType = (): PropertyDecorator => (target, key) => {
  Text({ max: FIELD_LIMITS.contentTypeMaxLength })(target, key);
  Matches(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, { message: '$property must be a MIME type such as application/pdf' })(
    target,
    key,
  );
  lowerCased()(target, key);
};

/** Hex SHA-256 the client declares for the bytes it will upload; carried lower-case. */
const Sha256 = (): PropertyDecorator => (target, key) => {
  Matches(/^[0-9a-f]{64}$/, { message: '$property must be the hex SHA-256 of the bytes' })(target, key);
  lowerCased()(target, key);
};

/** The bytes a new version will hold; the presigned URL is signed for exactly this size and type. */
class VersionContent {
  /** Bytes. */
  @ByteSize()
  size!: number;

  @ContentType()
  contentType!: string;

  /**
   * Hex SHA-256 of the bytes. Recommended: it is signed into the upload URL (S3 refuses
   * other bytes) and checked at completion (422 `upload_checksum_mismatch`).
   */
  @Optional()
  @Sha256()
  sha256?: string;
}

/** A new file and its first version. */
export class CreateUploadBody extends VersionContent {
  /** The name to show and to download as (metadata only, never part of a storage key). */
  @PrintableText(FIELD_LIMITS.fileNameLength)
  name!: string;
}

/** A new version of an existing file; its name defaults to the file's. */
export class CreateVersionBody extends VersionContent {
  @Optional()
  @PrintableText(FIELD_LIMITS.fileNameLength)
  name?: string;
}

export class UploadedPart {
  @IntInRange({ min: 1, max: FIELD_LIMITS.uploadParts.max })
  partNumber!: number;

  /** The ETag header S3 answered to the part's PUT. */
  @Opaque({ max: FIELD_LIMITS.etagMaxLength })
  etag!: string;
}

export class CompleteUploadBody {
  /** Multipart uploads only: the ETag S3 answered for each part. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.uploadParts.max)
  @ValidateNested({ each: true })
  @Type(() => UploadedPart)
  parts?: UploadedPart[];
}

export class ListFilesQuery {
  /** `true`: the deleted files still in their restore window. */
  @Optional()
  @QueryBoolean()
  deleted: boolean = false;

  @Optional()
  @QueryInt({ min: 1, max: FIELD_LIMITS.fileListLimit.max })
  limit: number = FIELD_LIMITS.fileListLimit.default;
}

export class DownloadQuery {
  /** A specific version; the latest ready one otherwise. */
  @Optional()
  @EntityId()
  versionId?: string;
}

export class PinVersionBody {
  /** What the pin is for, e.g. a milestone id. */
  @Optional()
  @Text(FIELD_LIMITS.pinnedForLength)
  pinnedFor?: string;
}

/** The milestone submission a provisional pin belongs to (the workspace service's, never a member's). */
export class SubmissionRef {
  @EntityId()
  milestoneId!: string;

  @IntInRange({ min: 0, max: Number.MAX_SAFE_INTEGER })
  milestoneVersion!: number;
}

/** The file is implied by the version: milestones know only the deliverable's version id. */
class PinVersionFields extends PinVersionBody {
  @Optional()
  @EntityId()
  fileId?: string;

  @Optional()
  @ValidateNested()
  @Type(() => SubmissionRef)
  submission?: SubmissionRef;
}

export class CreateUploadRequest extends Addressed(CreateUploadBody, 'workspaceId') {}
export class CreateVersionRequest extends Addressed(CreateVersionBody, 'workspaceId', 'fileId') {}
export class CompleteUploadRequest extends Addressed(CompleteUploadBody, 'workspaceId', 'fileId', 'versionId') {}
export class ListFilesRequest extends Addressed(ListFilesQuery, 'workspaceId') {}
export class DownloadRequest extends Addressed(DownloadQuery, 'workspaceId', 'fileId') {}
export class PinVersionRequest extends Addressed(PinVersionFields, 'workspaceId', 'versionId') {}
export class ReleaseSubmissionPinRequest extends Addressed(SubmissionRef, 'workspaceId', 'versionId') {}
