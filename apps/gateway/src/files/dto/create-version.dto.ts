import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';

export class CreateVersionDto {
  /** Defaults to the file's name. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;

  @IsInt()
  @Min(1)
  size: number;

  @IsString()
  @MaxLength(127)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/, { message: 'contentType must be a MIME type such as application/pdf' })
  contentType: string;
}
