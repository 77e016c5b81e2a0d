import qs from 'qs';
import { invalidParam, missingParam } from './errors';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/**
 * Decodes Stripe's bracket form encoding (`a[b][0][c]=x`). Limits are raised above qs
 * defaults: Stripe params nest deeper than 5 (line_items[0][price_data][product_data]...)
 * and an index over 20 must stay an array index, not become an object key.
 */
export function parseForm(text: string): FormObject {
  return qs.parse(text, { depth: 20, arrayLimit: 1000, parameterLimit: 10000 }) as FormObject;
}

/**
 * Typed, validating access to decoded parameters. Errors use Stripe's codes and the
 * bracketed parameter name (`line_items[0][price]`) so clients see what Stripe says.
 */
export class Params {
  constructor(
    readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  private name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  keys(): string[] {
    return Object.keys(this.raw);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  /** Stripe treats an empty string as "unset this field". */
  isEmptied(key: string): boolean {
    return this.raw[key] === '';
  }

  str(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidParam(this.name(key), `Invalid string: ${JSON.stringify(v)}`, 'parameter_invalid_string');
    return v;
  }

  reqStr(key: string): string {
    const v = this.str(key);
    if (v === undefined || v === '') throw missingParam(this.name(key));
    return v;
  }

  /** Optional string where '' means null (Stripe's "emptyable" fields). */
  nullableStr(key: string): string | null | undefined {
    const v = this.str(key);
    return v === '' ? null : v;
  }

  int(key: string): number | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw invalidParam(this.name(key), `Invalid integer: ${v}`, 'parameter_invalid_integer');
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw invalidParam(this.name(key), `Invalid integer: ${v}`, 'parameter_invalid_integer');
    return n;
  }

  reqInt(key: string): number {
    const v = this.int(key);
    if (v === undefined) throw missingParam(this.name(key));
    return v;
  }

  /** A decimal such as `application_fee_percent=12.5`: never used as money itself. */
  decimal(key: string): number | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(v)) throw invalidParam(this.name(key), `Invalid decimal: ${v}`, 'parameter_invalid_decimal');
    return Number(v);
  }

  bool(key: string): boolean | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalidParam(this.name(key), `Invalid boolean: ${v}`, 'parameter_invalid_boolean');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      throw invalidParam(this.name(key), `Invalid ${this.name(key)}: must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  obj(key: string): Params | undefined {
    const v = this.raw[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(this.name(key), `Invalid object`, 'parameter_invalid_object');
    return new Params(v, this.name(key));
  }

  reqObj(key: string): Params {
    const v = this.obj(key);
    if (!v) throw missingParam(this.name(key));
    return v;
  }

  /** An array of hashes (`line_items[0][price]=...`). */
  objList(key: string): Params[] {
    const v = this.raw[key];
    if (v === undefined || v === '') return [];
    const items = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v) : null;
    if (!items) throw invalidParam(this.name(key), 'Invalid array', 'parameter_invalid_array');
    return items.map((item, i) => {
      if (typeof item !== 'object' || Array.isArray(item)) throw invalidParam(`${this.name(key)}[${i}]`, 'Invalid object');
      return new Params(item, `${this.name(key)}[${i}]`);
    });
  }

  strList(key: string): string[] | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (v === '') return [];
    const items = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v) : [v];
    return items.map((item) => {
      if (typeof item !== 'string') throw invalidParam(this.name(key), 'Invalid array of strings', 'parameter_invalid_array');
      return item;
    });
  }

  /** Metadata: string values, at most 50 keys, keys up to 40 chars, values up to 500. */
  metadata(key = 'metadata'): Record<string, string> | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (v === '') return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(this.name(key), 'Invalid hash', 'parameter_invalid_object');
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== 'string') throw invalidParam(`${this.name(key)}[${k}]`, 'Metadata values must be strings');
      if (k.length > 40) throw invalidParam(`${this.name(key)}[${k}]`, 'Metadata keys can have up to 40 characters');
      if (val.length > 500) throw invalidParam(`${this.name(key)}[${k}]`, 'Metadata values can have up to 500 characters');
      out[k] = val;
    }
    if (Object.keys(out).length > 50) throw invalidParam(this.name(key), 'Metadata can have up to 50 keys');
    return out;
  }

  /** Rejects parameters an endpoint does not know, as Stripe does (`parameter_unknown`). */
  allowOnly(allowed: readonly string[]): void {
    for (const key of this.keys()) {
      if (!allowed.includes(key)) {
        throw invalidParam(this.name(key), `Received unknown parameter: ${this.name(key)}`, 'parameter_unknown');
      }
    }
  }
}

/** Applies a metadata update: keys set to '' are removed, as on Stripe. */
export function mergeMetadata(current: Record<string, string> | null, update: Record<string, string> | undefined): Record<string, string> {
  const out = { ...(current ?? {}) };
  if (update === undefined) return out;
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
