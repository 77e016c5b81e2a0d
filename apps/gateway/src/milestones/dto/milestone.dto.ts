import { PageQueryDto } from '../../common/page-query.dto';
import { VersionedEditDto } from '../../common/versioned-edit.dto';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MILESTONE_STATUS_VALUES } from '@fpms/contracts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Za-z]{3}$/;
/** Minor units: 10^12 at most (ten billion in a two-decimal currency). */
const MAX_AMOUNT = 1_000_000_000_000;

export class CreateMilestoneDto {
  @IsString()
  @Length(1, 200)
  title: string;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  /** Integer minor units (cents), never a decimal. */
  @IsInt({ message: 'amount must be an integer number of minor units (e.g. cents)' })
  @Min(1)
  @Max(MAX_AMOUNT)
  amount: number;

  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @IsOptional()
  @Matches(DATE, { message: 'dueDate must be a date, YYYY-MM-DD' })
  dueDate?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  reviewWindowDays?: number;
}

export class UpdateMilestoneDto extends VersionedEditDto {
  @IsOptional()
  @IsInt({ message: 'amount must be an integer number of minor units (e.g. cents)' })
  @Min(1)
  @Max(MAX_AMOUNT)
  amount?: number;

  @IsOptional()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;

  /** null clears it. */
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Matches(DATE, { message: 'dueDate must be a date, YYYY-MM-DD' })
  dueDate?: string | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  reviewWindowDays?: number;
}

/** The body of every milestone command (all optional; submit needs the deliverable). */
export class MilestoneCommandDto {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  /** Optimistic concurrency: refuse (409) if the milestone moved on since this version. */
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class SubmitMilestoneDto extends MilestoneCommandDto {
  /** The files service's file version id: pinned, so approval is tied to exactly this. */
  @IsUUID('all', { message: 'deliverableFileVersionId must be a file version id' })
  deliverableFileVersionId: string;
}

export class ListMilestonesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(MILESTONE_STATUS_VALUES)
  status?: (typeof MILESTONE_STATUS_VALUES)[number];
}
