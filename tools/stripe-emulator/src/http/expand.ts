import type { Core } from '../core';
import { invalidRequest } from './errors';

/** Fields Stripe returns only when asked for with `expand[]` (includable fields). */
export type IncludeHook = (obj: Record<string, unknown>, core: Core) => unknown;

/**
 * `expand[]=a.b.c`: walks the path, replacing id strings with the objects they name and
 * filling includable fields; `data.x` walks list items. Unknown paths are a 400 as on Stripe.
 */
export class Expander {
  private readonly includes = new Map<string, Map<string, IncludeHook>>();

  constructor(private readonly core: Core) {}

  include(objectType: string, field: string, hook: IncludeHook): void {
    const m = this.includes.get(objectType) ?? new Map<string, IncludeHook>();
    m.set(field, hook);
    this.includes.set(objectType, m);
  }

  apply(value: unknown, paths: string[]): unknown {
    let out = value;
    for (const path of paths) {
      const segs = path.split('.');
      if (segs.length > 4)
        throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, { param: 'expand' });
      out = this.walk(out, segs, path);
    }
    return out;
  }

  private walk(node: unknown, segs: string[], path: string): unknown {
    if (Array.isArray(node)) return node.map((n) => this.walk(n, segs, path));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const [field, ...rest] = segs;
    let value = obj[field];
    if (value === undefined) {
      const hook = this.includes.get(String(obj.object))?.get(field);
      if (!hook) throw invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
      value = JSON.parse(JSON.stringify(hook(obj, this.core)));
    } else if (typeof value === 'string' && field !== 'id' && field !== 'object') {
      const found = this.core.state.index.get(value);
      if (!found) throw invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
      value = JSON.parse(JSON.stringify(found.obj));
    }
    if (rest.length > 0) value = this.walk(value, rest, path);
    obj[field] = value;
    return obj;
  }
}
