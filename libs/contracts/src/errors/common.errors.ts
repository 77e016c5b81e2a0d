/** Error codes every service may answer with. Features add their own enums beside them. */
export enum CommonErrorCode {
  ValidationFailed = 'validation_failed',
  InvalidJson = 'invalid_json',
  PayloadTooLarge = 'payload_too_large',
  HeadersTooLarge = 'headers_too_large',
  Unauthorized = 'unauthorized',
  PaymentRequired = 'payment_required',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  ServiceUnavailable = 'service_unavailable',
  GatewayTimeout = 'gateway_timeout',
  Internal = 'internal_error',
}
