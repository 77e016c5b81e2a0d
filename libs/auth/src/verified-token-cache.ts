/**
 * Tokens this process has already verified, by their exact string. A token's signature
 * and claims never change, and the key set is fixed for the life of the process, so a
 * token that verified once verifies again until it expires: remembering the answer skips
 * the ECDSA check and the JSON parsing on every later request. Expiry is still checked on
 * every use (the same `now >= exp` rule as the verifier); only successes are kept, and
 * the oldest entry makes room when the cache is full.
 */
export class VerifiedTokenCache<T extends { exp: number }> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity = 10_000) {}

  /** The claims of a token verified before; undefined if unknown. `expired` when it has expired since. */
  get(token: string, nowSeconds: number): T | 'expired' | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (nowSeconds >= claims.exp) {
      this.entries.delete(token);
      return 'expired';
    }
    return claims;
  }

  remember(token: string, claims: T): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}
