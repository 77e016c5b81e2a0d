import { IsOptional, IsUUID } from 'class-validator';

export class DownloadQueryDto {
  /** A specific version; the latest ready one otherwise. */
  @IsOptional()
  @IsUUID()
  versionId?: string;
}
