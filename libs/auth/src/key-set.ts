import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Asymmetric signing keys by key id. Only the gateway holds a private key; services get
 * the public keys and verify the forwarded token themselves. Several public keys may be
 * live at once so that keys can be rotated (`kid` in the token header picks one).
 */
export interface KeySet {
  signing?: { kid: string; privateKeyPem: string };
  publicKeys: Record<string, string>;
}

const KID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads `<kid>.public.pem` (and, for the signer, `<activeKid>.private.pem`) from a
 * directory — how Kubernetes mounts a secret.
 */
export function loadKeySetFromDir(dir: string, activeKid?: string): KeySet {
  if (!existsSync(dir)) throw new Error(`JWT key directory ${dir} does not exist`);
  const publicKeys: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    const match = /^(.+)\.public\.pem$/.exec(file);
    if (match && KID.test(match[1])) publicKeys[match[1]] = readFileSync(join(dir, file), 'utf8');
  }
  if (Object.keys(publicKeys).length === 0) throw new Error(`JWT key directory ${dir} has no <kid>.public.pem file`);
  if (!activeKid) return { publicKeys };
  const privatePath = join(dir, `${activeKid}.private.pem`);
  if (!existsSync(privatePath)) throw new Error(`JWT_ACTIVE_KID=${activeKid} but ${privatePath} does not exist`);
  if (!publicKeys[activeKid]) throw new Error(`JWT_ACTIVE_KID=${activeKid} has no ${activeKid}.public.pem`);
  return { signing: { kid: activeKid, privateKeyPem: readFileSync(privatePath, 'utf8') }, publicKeys };
}

export function generateKeyPair(kid: string): { kid: string; privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { kid, privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** For local start and tests: a key pair in `dir` unless one is there already. */
export function ensureDevKeyPair(dir: string, kid: string): void {
  if (existsSync(join(dir, `${kid}.private.pem`))) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateKeyPair(kid);
  writeFileSync(join(dir, `${kid}.private.pem`), pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, `${kid}.public.pem`), pair.publicKeyPem);
}

export function keySetFromPair(pair: { kid: string; privateKeyPem: string; publicKeyPem: string }): KeySet {
  return { signing: { kid: pair.kid, privateKeyPem: pair.privateKeyPem }, publicKeys: { [pair.kid]: pair.publicKeyPem } };
}
