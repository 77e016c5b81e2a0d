import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';

/** What the client announces before uploading; the presigned URL is signed for exactly this size and type. */
export class CreateUploadDto {
  /** The file name to show and to download as (metadata only, never part of a storage key). */
  @IsString()
  @Length(1, 255)
  name: string;

  /** Bytes. */
  @IsInt()
  @Min(1)
  size: number;

  @IsString()
  @MaxLength(127)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/, {
    message: 'contentType must be a MIME type such as application/pdf',
  })
  contentType: string;

  /**
   * Hex SHA-256 of the bytes. Recommended: it is signed into the upload URL (S3 refuses
   * other bytes) and checked at completion (422 `upload_checksum_mismatch`).
   */
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be the hex SHA-256 of the bytes' })
  sha256?: string;
}
