/** Error codes of refresh-token sessions (gateway). */
export enum SessionErrorCode {
  InvalidRefreshToken = 'invalid_refresh_token',
  RefreshTokenReused = 'refresh_token_reused',
}
