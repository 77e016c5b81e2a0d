import { resolve } from 'node:path';
import { z } from 'zod';
import { env } from '@fpms/common/config/load-config';
import { KeySet, loadKeySetFromDir } from './key-set';

export const authEnvSchema = z.object({
  JWT_KEYS_DIR: env.string(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(600),
});

export const signerEnvSchema = authEnvSchema.extend({ JWT_ACTIVE_KID: env.string() });

export function verifierKeySet(e: z.infer<typeof authEnvSchema>): KeySet {
  return loadKeySetFromDir(resolve(e.JWT_KEYS_DIR));
}

export function signerKeySet(e: z.infer<typeof signerEnvSchema>): KeySet {
  return loadKeySetFromDir(resolve(e.JWT_KEYS_DIR), e.JWT_ACTIVE_KID);
}
