import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError, ValidatorOptions } from 'class-validator';
import type { RequestClass } from '@fpms/contracts/rpc/rpc-pattern';
import { AppError } from '../errors/app-error';

export interface FieldError {
  field: string;
  messages: string[];
}

/**
 * How a request class is checked, at the gateway (HTTP body and query) and in the service
 * (RPC payload) alike: unknown fields are refused rather than dropped, so a typo is a 400.
 */
export const REQUEST_VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The one 400 both ends answer for a request that breaks its contract, each failing field named. */
export function invalidRequest(fields: FieldError[]): AppError {
  return AppError.validation(`Invalid request: ${fields.map((f) => f.field).join(', ') || 'body'}`, { fields });
}

/** The request class's instance built from `plain` (transforms and defaults applied), or the 400. */
export function validateRequest<T extends object>(requestClass: RequestClass<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw invalidRequest([{ field: '(root)', messages: ['the request must be a JSON object'] }]);
  }
  const instance = plainToInstance(requestClass, plain);
  // forbidUnknownValues guards against validating something that is not an instance of a
  // request class; here it always is (non-objects were refused above), and a class with no
  // fields (NoFields) has no metadata, which that option would refuse.
  const errors = validateSync(instance, { ...REQUEST_VALIDATOR_OPTIONS, forbidUnknownValues: false });
  if (errors.length > 0) throw invalidRequest(flattenValidationErrors(errors));
  return instance;
}
