import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { FIELD_LIMITS } from './field-limits';

/**
 * The field kinds requests are made of, each a stack of class-validator / class-transformer
 * decorators. They run twice — at the gateway on the HTTP body or query, and in the service
 * on the RPC payload — so every transform here is idempotent (trimming, upper-casing).
 */

function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

const trimmed = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Absent is allowed; null is not (unlike class-validator's IsOptional, which lets null through to a NOT NULL column). */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** Absent or null (null clears the field). */
export const OptionalNullable = () => ValidateIf((_, value) => value !== undefined && value !== null);

/** A string, trimmed, whose trimmed length is within bounds. */
export const Text = (length: { min?: number; max: number }) => all(trimmed(), IsString(), Length(length.min ?? 0, length.max));

/** An id we issued: a UUID. */
export const EntityId = (options?: ValidationOptions) => IsUUID('all', options);

/** Integer minor units (cents), never a float, positive, up to FIELD_LIMITS.amountMax. */
export const MinorUnits = () =>
  all(IsInt({ message: '$property must be an integer number of minor units (e.g. cents)' }), Min(1), Max(FIELD_LIMITS.amountMax));

/** ISO 4217 code; accepted in any case and carried upper-case. */
export const CurrencyCode = () =>
  all(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value)),
    Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code such as EUR' }),
  );

function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A calendar date that exists, YYYY-MM-DD (2026-02-30 is refused). */
export const CalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: { validate: isCalendarDate, defaultMessage: () => '$property must be a date, YYYY-MM-DD' },
  });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant: ISO 8601 date and time with `Z` or an offset (a local time without one is ambiguous). */
export const Instant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => '$property must be an ISO 8601 instant with Z or an offset, e.g. 2026-03-23T09:00:00Z',
    },
  });

export const IntInRange = (range: { min: number; max: number }) => all(IsInt(), Min(range.min), Max(range.max));

/**
 * A number that may arrive as a query-string digit string (the gateway) or as a JSON
 * number (the RPC payload): both become a number before the range check.
 */
export const QueryInt = (range: { min: number; max: number }) =>
  all(
    Type(() => Number),
    IntInRange(range),
  );

/** `true` / `false` in a query string, or a JSON boolean. */
export const QueryBoolean = () =>
  all(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property must be true or false' }),
  );

const BIGINT_MAX = 9223372036854775807n;
const isCursor = (value: unknown) => typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= BIGINT_MAX;

/** A keyset cursor: the `nextBefore` of the previous page (it must fit PostgreSQL's bigint). */
export const PageCursor = () =>
  ValidateBy({
    name: 'isPageCursor',
    validator: { validate: isCursor, defaultMessage: () => '$property must be a cursor returned as nextBefore' },
  });

export const OneOf = (values: readonly string[]) => IsIn(values, { message: `$property must be one of ${values.join(', ')}` });

/** Every element's `key` differs. */
export const UniqueBy = (key: string, message: string) =>
  ValidateBy({
    name: 'uniqueBy',
    validator: {
      validate: (value: unknown) =>
        !Array.isArray(value) || new Set(value.map((item: Record<string, unknown> | null) => item?.[key])).size === value.length,
      defaultMessage: () => message,
    },
  });

/** At least one element satisfies `predicate`. */
export const SomeElement = (predicate: (item: Record<string, unknown>) => boolean, message: string) =>
  ValidateBy({
    name: 'someElement',
    validator: {
      validate: (value: unknown) =>
        !Array.isArray(value) ||
        value.some((item: unknown) => typeof item === 'object' && item !== null && predicate(item as Record<string, unknown>)),
      defaultMessage: () => message,
    },
  });

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point of this pattern
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Names shown to people and used as download names: no control characters. */
export const PrintableText = (length: { min?: number; max: number }) =>
  all(
    Text(length),
    ValidateBy({
      name: 'printable',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !CONTROL_CHARACTERS.test(value),
        defaultMessage: () => '$property must not contain control characters',
      },
    }),
  );

/** A string with at most `max` characters (not trimmed: secrets and tokens are taken as given). */
export const Opaque = (length: { min?: number; max: number }) => all(IsString(), Length(length.min ?? 1, length.max));

/**
 * A document number pattern (invoices, credit notes): literal text plus tokens — `{YYYY}`,
 * `{YY}`, `{MM}` and exactly one counter `{0000}` (its zeros are the minimum width).
 */
export const NumberPattern = () =>
  all(
    Text({ min: 1, max: 40 }),
    ValidateBy({
      name: 'numberPattern',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (value.match(/\{0+\}/g) ?? []).length === 1 &&
          value.replace(/\{(?:YYYY|YY|MM|0+)\}/g, '').match(/^[A-Za-z0-9/_.\- ]*$/) !== null,
        defaultMessage: () =>
          '$property must contain exactly one counter such as {0000}, optionally {YYYY}, {YY} or {MM}, and otherwise only letters, digits, spaces and - _ / .',
      },
    }),
  );
