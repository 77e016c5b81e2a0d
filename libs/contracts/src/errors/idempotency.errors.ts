/** Error codes of idempotency-Key handling (gateway checks the header, services store keys). */
export enum IdempotencyErrorCode {
  KeyReused = 'idempotency_key_reused',
  KeyInvalid = 'idempotency_key_invalid',
}
