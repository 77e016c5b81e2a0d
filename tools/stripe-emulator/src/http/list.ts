import { invalidParam, invalidRequest } from './errors';
import { Params } from './form';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function listOf<T>(data: T[], url: string, hasMore = false): ListObject<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

/** `created=123` or `created[gte]=...&created[lt]=...`, as every Stripe list accepts. */
export function rangeFilter(params: Params, key: string): ((value: number) => boolean) | null {
  if (!params.has(key)) return null;
  const exact = params.raw[key];
  if (typeof exact === 'string') {
    const n = params.int(key)!;
    return (v) => v === n;
  }
  const r = params.obj(key)!;
  r.allowOnly(['gt', 'gte', 'lt', 'lte']);
  const gt = r.int('gt');
  const gte = r.int('gte');
  const lt = r.int('lt');
  const lte = r.int('lte');
  return (v) =>
    (gt === undefined || v > gt) && (gte === undefined || v >= gte) && (lt === undefined || v < lt) && (lte === undefined || v <= lte);
}

/**
 * Cursor pagination over a newest-first array: `limit` (1..100, default 10),
 * `starting_after` (older than the cursor), `ending_before` (newer than the cursor,
 * the page closest to it), plus the `created` range filter.
 */
export function paginate<T extends { id?: string; created?: number }>(items: T[], params: Params, url: string): ListObject<T> {
  const limit = params.int('limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidParam('limit', 'Invalid limit: must be between 1 and 100', 'parameter_invalid_integer');
  const created = rangeFilter(params, 'created');
  let filtered = created ? items.filter((i) => created(i.created ?? 0)) : items;
  const startingAfter = params.str('starting_after');
  const endingBefore = params.str('ending_before');
  if (startingAfter && endingBefore) throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  if (startingAfter) {
    const idx = filtered.findIndex((i) => i.id === startingAfter);
    if (idx < 0) throw invalidRequest(`No such object: '${startingAfter}'`, { code: 'resource_missing', param: 'starting_after' });
    filtered = filtered.slice(idx + 1);
    return listOf(filtered.slice(0, limit), url, filtered.length > limit);
  }
  if (endingBefore) {
    const idx = filtered.findIndex((i) => i.id === endingBefore);
    if (idx < 0) throw invalidRequest(`No such object: '${endingBefore}'`, { code: 'resource_missing', param: 'ending_before' });
    const newer = filtered.slice(0, idx);
    return listOf(newer.slice(Math.max(0, newer.length - limit)), url, newer.length > limit);
  }
  return listOf(filtered.slice(0, limit), url, filtered.length > limit);
}
