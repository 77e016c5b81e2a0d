import { Entitlements } from '@fpms/contracts';

export interface EntitlementsCacheOptions {
  /**
   * How long an entry answers before it is read again: the bound on how stale another
   * replica (one that did not project the event) can be. Default 1 s.
   */
  ttlMs?: number;
  /** How long a projected version is insisted on while its transaction may still commit. Default 10 s. */
  floorMs?: number;
  /** Entries kept per process; the oldest loaded goes first beyond it. Default 10,000. */
  maxEntries?: number;
  /** Monotonic milliseconds (tests pass their own). */
  now?: () => number;
}

interface Entry {
  value: Entitlements;
  loadedAt: number;
}

/**
 * Each account's entitlements in process memory, so the checks on every request cost no
 * query (docs/decisions.md, "Entitlements cache"). Two rules keep it correct:
 *
 * - The replica that projects an event calls `invalidate(accountId, version)` inside the
 *   projecting transaction: the entry goes, and until a read returns that version (or
 *   `floorMs` passes, if the transaction rolled back) no older value is cached again — a
 *   read racing the commit still answers from the database, never from a stale entry.
 * - Every other replica serves an entry at most `ttlMs`, then reads again.
 *
 * A load that started before an invalidation is answered but not stored.
 */
export class EntitlementsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly floors = new Map<string, { version: number; until: number }>();
  private readonly generations = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly floorMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: EntitlementsCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 1_000;
    this.floorMs = options.floorMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** The cached entitlements of `accountId`, or `load()`'s answer (stored unless invalidated meanwhile). */
  async get(accountId: string, load: () => Promise<Entitlements>): Promise<Entitlements> {
    const hit = this.entries.get(accountId);
    if (hit && this.now() - hit.loadedAt < this.ttlMs && this.meetsFloor(accountId, hit.value)) return hit.value;
    const generation = this.generations.get(accountId) ?? 0;
    const value = await load();
    if ((this.generations.get(accountId) ?? 0) === generation && this.meetsFloor(accountId, value)) this.store(accountId, value);
    return value;
  }

  /** A projection is writing `version` for the account: drop what is cached, and insist on that version. */
  invalidate(accountId: string, version: number): void {
    this.entries.delete(accountId);
    this.generations.set(accountId, (this.generations.get(accountId) ?? 0) + 1);
    const floor = this.floors.get(accountId);
    if (!floor || floor.version < version) this.floors.set(accountId, { version, until: this.now() + this.floorMs });
  }

  /** Entries held now (for tests and the bench). */
  get size(): number {
    return this.entries.size;
  }

  private meetsFloor(accountId: string, value: Entitlements): boolean {
    const floor = this.floors.get(accountId);
    if (!floor) return true;
    if ((value.version ?? -1) >= floor.version || this.now() >= floor.until) {
      this.floors.delete(accountId);
      return true;
    }
    return false;
  }

  private store(accountId: string, value: Entitlements): void {
    this.entries.delete(accountId);
    this.entries.set(accountId, { value, loadedAt: this.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
