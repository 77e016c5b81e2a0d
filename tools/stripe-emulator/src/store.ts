import { noSuch } from './http/errors';

/**
 * Every stored object belongs to one Stripe account: the platform or a connected
 * account. Requests carrying `Stripe-Account: acct_x` see only that account's objects.
 */
export interface Owned<T> {
  obj: T;
  owner: string;
  seq: number;
}

let seqCounter = 0;

/** A global id index so `expand[]` and cross-resource lookups can resolve any id. */
export class IdIndex {
  private readonly byId = new Map<string, { owner: string; obj: unknown }>();
  set(id: string, owner: string, obj: unknown): void {
    this.byId.set(id, { owner, obj });
  }
  get(id: string): { owner: string; obj: unknown } | undefined {
    return this.byId.get(id);
  }
  clear(): void {
    this.byId.clear();
  }
}

export class Collection<T extends { id: string }> {
  private readonly items = new Map<string, Owned<T>>();

  constructor(
    /** Noun used in Stripe's 404 message: "No such <noun>: 'id'". */
    readonly noun: string,
    private readonly index: IdIndex,
  ) {}

  insert(owner: string, obj: T): T {
    this.items.set(obj.id, { obj, owner, seq: ++seqCounter });
    this.index.set(obj.id, owner, obj);
    return obj;
  }

  /** Looks an id up within one account's data (the caller's scope). */
  find(id: string, owner: string): T | undefined {
    const rec = this.items.get(id);
    return rec && rec.owner === owner ? rec.obj : undefined;
  }

  /** Looks an id up regardless of account: for internal cross-account links. */
  findAny(id: string): Owned<T> | undefined {
    return this.items.get(id);
  }

  get(id: string, owner: string, param = 'id'): T {
    const obj = this.find(id, owner);
    if (!obj) throw noSuch(this.noun, id, param);
    return obj;
  }

  ownerOf(id: string): string | undefined {
    return this.items.get(id)?.owner;
  }

  /** Newest first, as Stripe lists are. */
  all(owner?: string): T[] {
    return [...this.items.values()]
      .filter((r) => owner === undefined || r.owner === owner)
      .sort((a, b) => b.seq - a.seq)
      .map((r) => r.obj);
  }

  delete(id: string): void {
    this.items.delete(id);
  }

  clear(): void {
    this.items.clear();
  }
}
