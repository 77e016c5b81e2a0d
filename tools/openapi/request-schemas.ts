import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
// class-transformer keeps @Type() targets here (no public accessor); its types ship beside it.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import type { JsonSchema } from './json-schema';

/** A class: a request DTO, a controller. */
type Constructor = abstract new (...args: any[]) => unknown;

/**
 * JSON Schemas of the request classes (libs/contracts/src/requests) read from the very
 * class-validator metadata the gateway's ValidationPipe checks requests with: the document
 * cannot describe a field the code does not validate, nor miss one it does.
 */
export class RequestSchemas {
  /** Named schemas for components/schemas, by class name. */
  readonly components: Record<string, JsonSchema> = {};

  /** A `$ref` to the class's schema (registered on first use). */
  refFor(target: Constructor): JsonSchema {
    const name = target.name;
    if (!this.components[name]) {
      this.components[name] = {}; // placeholder: a class may nest itself
      this.components[name] = this.objectSchema(target);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** The class's fields as query parameters (a query class is flat). */
  queryParameters(target: Constructor): Array<{ name: string; in: 'query'; required: boolean; schema: JsonSchema; description?: string }> {
    const schema = this.objectSchema(target);
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
      name,
      in: 'query' as const,
      required: required.has(name),
      schema: property,
    }));
  }

  objectSchema(target: Constructor): JsonSchema {
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const metadata of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
      const list = byProperty.get(metadata.propertyName) ?? [];
      list.push(metadata);
      byProperty.set(metadata.propertyName, list);
    }
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const defaults = defaultValues(target);
    // "One of these": a field validated when absent unless another field is given (ValidateIf on the others).
    const oneOfRequired: string[] = [];
    const others = (property: string) => Object.fromEntries([...byProperty.keys()].filter((p) => p !== property).map((p) => [p, 'given']));
    for (const [property, metadata] of byProperty) {
      const { schema, optional, unlessOthers } = this.propertySchema(target, property, metadata, others(property));
      if (defaults[property] !== undefined) schema.default = defaults[property];
      properties[property] = schema;
      if (unlessOthers) oneOfRequired.push(property);
      else if (!optional) required.push(property);
    }
    const alternatives = oneOfRequired.length > 1 ? { anyOf: oneOfRequired.map((p) => ({ required: [p] })) } : {};
    if (oneOfRequired.length === 1) required.push(oneOfRequired[0]);
    // forbidNonWhitelisted: a field the class does not name is refused (400 validation_failed).
    return { type: 'object', properties, ...(required.length ? { required } : {}), ...alternatives, additionalProperties: false };
  }

  private propertySchema(
    target: Constructor,
    property: string,
    metadata: ValidationMetadata[],
    others: Record<string, unknown>,
  ): { schema: JsonSchema; optional: boolean; unlessOthers: boolean } {
    let optional = false;
    let unlessOthers = false;
    let nullable = false;
    const own: JsonSchema = {};
    const items: JsonSchema = {};
    for (const m of metadata) {
      if (m.type === 'conditionalValidation') {
        // Probe the condition: skipped when absent => optional; skipped for null too => nullable.
        const condition = m.constraints[0] as (object: unknown, value: unknown) => boolean;
        if (!condition({}, undefined)) optional = true;
        else if (!condition(others, undefined)) unlessOthers = true;
        if (!condition({}, null)) nullable = true;
        continue;
      }
      if (m.type === 'nestedValidation') {
        const type = defaultMetadataStorage.findTypeMetadata(target, property);
        const nested = type?.typeFunction() as Constructor | undefined;
        if (nested) Object.assign(m.each ? items : own, this.refFor(nested));
        continue;
      }
      if (m.type !== 'customValidation' || !m.name) continue;
      applyConstraint(m.each ? items : own, m.name, m.constraints ?? []);
    }
    if (Object.keys(items).length > 0) {
      own.type = own.type ?? 'array';
      own.items = items;
    }
    const schema = nullable ? orNull(own) : own;
    return { schema, optional, unlessOthers };
  }
}

function defaultValues(target: Constructor): Record<string, unknown> {
  try {
    return { ...(new (target as new () => object)() as Record<string, unknown>) };
  } catch {
    return {};
  }
}

function orNull(schema: JsonSchema): JsonSchema {
  if ('$ref' in schema) return { oneOf: [schema, { type: 'null' }] };
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (schema.enum) return { ...schema, enum: [...schema.enum, null] };
  return { oneOf: [schema, { type: 'null' }] };
}

/** Each validator's meaning as JSON Schema; validators no schema keyword expresses are named in the description. */
function applyConstraint(schema: JsonSchema, name: string, constraints: unknown[]): void {
  const note = (text: string) => {
    schema.description = schema.description ? `${schema.description}; ${text}` : text;
  };
  switch (name) {
    case 'isString':
      schema.type = 'string';
      return;
    case 'isLength':
      schema.type = 'string';
      if (typeof constraints[0] === 'number' && constraints[0] > 0) schema.minLength = constraints[0];
      if (typeof constraints[1] === 'number') schema.maxLength = constraints[1];
      return;
    case 'maxLength':
      schema.type = 'string';
      schema.maxLength = constraints[0] as number;
      return;
    case 'isUuid':
      schema.type = 'string';
      schema.format = 'uuid';
      return;
    case 'isEmail':
      schema.type = 'string';
      schema.format = 'email';
      return;
    case 'matches':
      schema.type = 'string';
      schema.pattern = (constraints[0] as RegExp | string) instanceof RegExp ? (constraints[0] as RegExp).source : String(constraints[0]);
      return;
    case 'isIn':
      schema.enum = [...(constraints[0] as unknown[])];
      if (schema.enum.every((value) => typeof value === 'string')) schema.type = 'string';
      return;
    case 'isInt':
      schema.type = 'integer';
      return;
    case 'min':
      schema.minimum = constraints[0] as number;
      return;
    case 'max':
      schema.maximum = constraints[0] as number;
      return;
    case 'isBoolean':
      schema.type = 'boolean';
      return;
    case 'isArray':
      schema.type = 'array';
      return;
    case 'arrayMinSize':
      schema.type = 'array';
      schema.minItems = constraints[0] as number;
      return;
    case 'arrayMaxSize':
      schema.type = 'array';
      schema.maxItems = constraints[0] as number;
      return;
    case 'arrayUnique':
      schema.type = 'array';
      schema.uniqueItems = true;
      return;
    case 'isObject':
      schema.type = 'object';
      return;
    case 'isCalendarDate':
      schema.type = 'string';
      schema.format = 'date';
      return;
    case 'isInstant':
    case 'isIso8601':
      schema.type = 'string';
      schema.format = 'date-time';
      return;
    case 'isPageCursor':
      schema.type = 'string';
      schema.pattern = '^\\d{1,19}$';
      note('the `nextBefore` of the previous page');
      return;
    case 'printable':
      schema.type = 'string';
      note('no control characters');
      return;
    case 'notBlank':
      schema.type = 'string';
      note('not blank');
      return;
    case 'isAcceptablePassword':
      schema.type = 'string';
      note('the password policy (length, not a common password)');
      return;
    case 'isTimeZone':
    case 'isTimeZoneName':
      schema.type = 'string';
      note('an IANA time zone name, e.g. Europe/Paris');
      return;
    case 'numberPattern':
      schema.type = 'string';
      note('a document number pattern: exactly one counter such as {0000}, optionally {YYYY}, {YY} or {MM}');
      return;
    case 'uniqueBy':
    case 'someElement':
    case 'earningsPeriodEnd':
      note(`checked: ${name}`);
      return;
    default:
      throw new Error(`request-schemas: no JSON Schema for the validator "${name}"; add it to applyConstraint`);
  }
}
