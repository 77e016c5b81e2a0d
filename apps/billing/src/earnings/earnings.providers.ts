import { EarningsHoursRecorder } from './earnings-hours-recorder';
import { EarningsRecorder } from './earnings-recorder';
import { EarningsRepository } from './earnings.repository';
import { EarningsService } from './earnings.service';

/** The earnings report's providers: the recorders (called by MilestonePaymentEvents and the WeekChargeWorker), the read and the service. */
export const EARNINGS_PROVIDERS = [EarningsRecorder, EarningsHoursRecorder, EarningsRepository, EarningsService];
