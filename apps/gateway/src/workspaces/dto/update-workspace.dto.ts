import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';

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

  /** Days the client has to review a submission before it is approved automatically. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  reviewWindowDays?: number;
}
