import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

export class UploadedPartDto {
  @IsInt()
  @Min(1)
  @Max(10000)
  partNumber: number;

  /** The ETag header S3 answered to the part's PUT. */
  @IsString()
  @Length(1, 200)
  etag: string;
}

export class CompleteUploadDto {
  /** Multipart uploads only. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => UploadedPartDto)
  parts?: UploadedPartDto[];
}
