import { IsOptional, IsString, Length, ValidateIf } from 'class-validator';

export class UpdateWorkspaceDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  /** null clears it. */
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @Length(1, 200)
  clientName?: string | null;
}
