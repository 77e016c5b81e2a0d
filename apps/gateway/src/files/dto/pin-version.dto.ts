import { IsOptional, IsString, Length } from 'class-validator';

export class PinVersionDto {
  /** What the pin is for, e.g. a milestone id. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  pinnedFor?: string;
}
