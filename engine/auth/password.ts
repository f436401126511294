import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

/**
 * Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 15 ms here. The parameters
 * are in each stored hash, so raising them later still verifies old hashes.
 */
/** `Algorithm.Argon2id` of @node-rs/argon2: a `const enum`, which isolated modules cannot import. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Long enough to resist guessing, short enough that hashing it is not a denial of service. */
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('not an email address'))
  .transform((e) => e.toLowerCase());

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Verifies against a stored hash; a hash that cannot be read counts as a wrong password. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * The same work as a real check for an email nobody has: sign-in takes as long for an unknown address
 * as for a wrong password, so timing does not tell which addresses have accounts.
 */
export async function verifyNobody(password: string): Promise<false> {
  dummy ??= hashPassword('not a password of anyone');
  await verifyPassword(await dummy, password);
  return false;
}
