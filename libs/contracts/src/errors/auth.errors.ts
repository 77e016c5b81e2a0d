/** Error codes of signup and login (gateway). */
export enum AuthErrorCode {
  EmailTaken = 'email_taken',
  InvalidCredentials = 'invalid_credentials',
}
