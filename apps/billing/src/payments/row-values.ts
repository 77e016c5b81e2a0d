/** Reading nullable columns of `manager.query` rows: timestamps arrive as Date or string, bigints as strings. */
export const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));
export const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
