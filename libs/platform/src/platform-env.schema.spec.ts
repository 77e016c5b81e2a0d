import { housekeepingEnvSchema } from './platform-env.schema';

describe('housekeeping settings', () => {
  it('defaults to an hourly round, 7 days of sent outbox and 30 days of inbox', () => {
    expect(housekeepingEnvSchema.parse({})).toEqual({
      HOUSEKEEPING_INTERVAL_SECONDS: 3600,
      OUTBOX_RETENTION_DAYS: 7,
      INBOX_RETENTION_DAYS: 30,
    });
    expect(
      housekeepingEnvSchema.parse({ HOUSEKEEPING_INTERVAL_SECONDS: '0', OUTBOX_RETENTION_DAYS: '1', INBOX_RETENTION_DAYS: '90' }),
    ).toEqual({
      HOUSEKEEPING_INTERVAL_SECONDS: 0,
      OUTBOX_RETENTION_DAYS: 1,
      INBOX_RETENTION_DAYS: 90,
    });
  });

  it.each([
    ['OUTBOX_RETENTION_DAYS', '0'],
    ['INBOX_RETENTION_DAYS', '0'],
    ['INBOX_RETENTION_DAYS', '2.5'],
    ['INBOX_RETENTION_DAYS', 'forever'],
    ['OUTBOX_RETENTION_DAYS', '-3'],
    ['HOUSEKEEPING_INTERVAL_SECONDS', '-1'],
    ['HOUSEKEEPING_INTERVAL_SECONDS', '100000'],
  ])('refuses %s=%s (a retention of 0 would make the inbox forget duplicates at once)', (name, value) => {
    expect(housekeepingEnvSchema.safeParse({ [name]: value }).success).toBe(false);
  });
});
