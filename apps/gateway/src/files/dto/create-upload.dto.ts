import { IsInt, IsString, Length, Matches, MaxLength, Min } from 'class-validator';

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
  @Matches(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/, { message: 'contentType must be a MIME type such as application/pdf' })
  contentType: string;
}
