import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, invalidRequest, REQUEST_VALIDATOR_OPTIONS } from './request-validation';

/**
 * class-validator on every request body and query, with the request classes of
 * libs/contracts and the same options the services check RPC payloads with.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...REQUEST_VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => invalidRequest(flattenValidationErrors(errors)),
  });
}
