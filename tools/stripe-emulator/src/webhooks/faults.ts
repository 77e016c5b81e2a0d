/**
 * Delivery fault injection, configured per webhook endpoint, so tests can attack a
 * webhook receiver with what real networks and Stripe itself do: duplicates (also
 * concurrent), reordering, late arrival, loss, and bad signatures.
 */
export type WebhookFault = FaultScope &
  (
    | {
        mode: 'duplicate';
        /** Extra copies sent alongside the original (default 1). */ copies?: number;
        /** Send copies at the same time (default true) or one after the other. */ concurrent?: boolean;
      }
    | {
        mode: 'shuffle';
        /** Deliveries buffered and released in shuffled order (default 5). */ window?: number;
        seed?: number;
        /** Emulated seconds after which a partial buffer is released (default 5). */ flushAfterSeconds?: number;
      }
    | { mode: 'delay'; /** Emulated seconds the first attempt is held back. */ seconds: number }
    | {
        mode: 'drop';
        /** false (default): the delivery is lost for good, no retries; true: only the attempt is lost and Stripe retries. */ retry?: boolean;
      }
    | { mode: 'corrupt_signature' }
  );

export interface FaultScope {
  /** How many deliveries (attempts, for drop/corrupt_signature) the fault applies to; unlimited when absent. */
  count?: number;
  /** Restrict to these event types. */
  eventTypes?: string[];
  /**
   * Apply to this share (0 < fraction <= 1, default 1) of the matching deliveries, spread evenly
   * and deterministically: with 0.2, the 5th, 10th, 15th… matching delivery (e.g. "drop 20% for good").
   */
  fraction?: number;
}

export type FaultMode = WebhookFault['mode'];

interface ActiveFault {
  fault: WebhookFault;
  remaining: number;
  /** Matching deliveries seen so far (for `fraction`). */
  seen: number;
}

export class FaultRegistry {
  private readonly byEndpoint = new Map<string, ActiveFault[]>();

  add(endpointId: string, fault: WebhookFault): void {
    validateFault(fault);
    const list = this.byEndpoint.get(endpointId) ?? [];
    list.push({ fault, remaining: fault.count ?? Number.POSITIVE_INFINITY, seen: 0 });
    this.byEndpoint.set(endpointId, list);
  }

  clear(endpointId?: string): void {
    if (endpointId) this.byEndpoint.delete(endpointId);
    else this.byEndpoint.clear();
  }

  list(endpointId: string): WebhookFault[] {
    return (this.byEndpoint.get(endpointId) ?? []).map((a) => a.fault);
  }

  /** Consumes one use of the first matching fault of `mode`, if any. */
  take<M extends FaultMode>(endpointId: string, eventType: string, mode: M): Extract<WebhookFault, { mode: M }> | null {
    const list = this.byEndpoint.get(endpointId);
    if (!list) return null;
    const active = list.find(
      (a) => a.fault.mode === mode && a.remaining > 0 && (!a.fault.eventTypes || a.fault.eventTypes.includes(eventType)) && sampled(a),
    );
    if (!active) return null;
    active.remaining -= 1;
    if (active.remaining <= 0) list.splice(list.indexOf(active), 1);
    return active.fault as Extract<WebhookFault, { mode: M }>;
  }
}

/** Counts one matching delivery; true when it falls in the fault's fraction (Bresenham-style: exactly ⌊n·f⌋ of the first n). */
function sampled(active: ActiveFault): boolean {
  const fraction = active.fault.fraction ?? 1;
  active.seen += 1;
  return Math.floor(active.seen * fraction + 1e-9) > Math.floor((active.seen - 1) * fraction + 1e-9);
}

export function validateFault(fault: WebhookFault): void {
  const modes: FaultMode[] = ['duplicate', 'shuffle', 'delay', 'drop', 'corrupt_signature'];
  if (!fault || !modes.includes(fault.mode)) throw new Error(`fault.mode must be one of ${modes.join(', ')}`);
  if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1))
    throw new Error('fault.count must be a positive integer');
  if (fault.fraction !== undefined && !(typeof fault.fraction === 'number' && fault.fraction > 0 && fault.fraction <= 1))
    throw new Error('fault.fraction must be a number in (0, 1]');
  if (fault.mode === 'delay' && !(typeof fault.seconds === 'number' && fault.seconds >= 0)) throw new Error('delay needs seconds >= 0');
  if (fault.mode === 'duplicate' && fault.copies !== undefined && (!Number.isInteger(fault.copies) || fault.copies < 1)) {
    throw new Error('duplicate.copies must be a positive integer');
  }
  if (fault.mode === 'shuffle' && fault.window !== undefined && (!Number.isInteger(fault.window) || fault.window < 2)) {
    throw new Error('shuffle.window must be an integer >= 2');
  }
}

/** Deterministic permutation (mulberry32 + Fisher-Yates) that is never the identity for n > 1. */
export function shuffledOrder(n: number, seed: number): number[] {
  let a = seed >>> 0 || 0x9e3779b9;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  if (n > 1 && order.every((v, i) => v === i)) order.reverse();
  return order;
}
