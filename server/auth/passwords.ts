import argon2 from 'argon2';
import { badRequest } from '../errors.ts';

// OWASP's argon2id baseline (19 MiB, 2 passes) keeps a login near 20-30 ms on a small server.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** @throws BAD_REQUEST naming `field` when the password is too weak or too long. */
export function assertStrongPassword(field: string, password: string): void {
  if (password.length < 8 || !/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) {
    throw badRequest(
      field,
      `${field}: must be at least 8 characters with an upper-case letter, a lower-case letter and a digit`,
    );
  }
  if (password.length > 256) throw badRequest(field, `${field}: must be at most 256 characters`);
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the account does not exist keeps the response time the same, so timing
// does not reveal which emails are registered.
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy-password-never-matches-0');
  await verifyPassword(await decoyHash, password);
  return false;
}
