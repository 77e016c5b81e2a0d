/** SQLSTATE codes the services react to. */
export const PgErrorCode = {
  UniqueViolation: '23505',
  /** An exclusion constraint (e.g. overlapping ranges) refused the row. */
  ExclusionViolation: '23P01',
  ForeignKeyViolation: '23503',
  CheckViolation: '23514',
  InsufficientPrivilege: '42501',
  SerializationFailure: '40001',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (pgErrorCode(error) !== PgErrorCode.UniqueViolation) return false;
  if (!constraint) return true;
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return (e.driverError?.constraint ?? e.constraint) === constraint;
}

/** The row conflicts with another under an exclusion constraint (`constraint`, when given). */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  if (pgErrorCode(error) !== PgErrorCode.ExclusionViolation) return false;
  if (!constraint) return true;
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return (e.driverError?.constraint ?? e.constraint) === constraint;
}
