/** The five services; each owns one database and three roles. */
export const SERVICE_NAMES = ['gateway', 'workspace', 'files', 'messaging', 'billing'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
