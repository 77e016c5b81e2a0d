import { EarningsRecorder } from './earnings-recorder';
import { EarningsRepository } from './earnings.repository';
import { EarningsService } from './earnings.service';

/** The earnings report's providers: the recorder (called by MilestonePaymentEvents), the read and the service. */
export const EARNINGS_PROVIDERS = [EarningsRecorder, EarningsRepository, EarningsService];
