import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The key material the server needs; see README "Environment". */
export interface ServerSecrets {
  jwtSecret: string;
  /** 32 bytes. */
  encryptionKey: Buffer;
}

/**
 * Parses an ENCRYPTION_KEY given as 64 hex characters or as base64 of 32 bytes.
 * @throws Error naming the variable when the value is not 32 bytes.
 */
export function parseEncryptionKey(value: string): Buffer {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32) {
    throw new Error('ENCRYPTION_KEY must be 32 bytes: 64 hex characters or base64 (openssl rand -base64 32)');
  }
  return bytes;
}

/**
 * Returns the configured secrets; any that are missing (development only, since production requires them)
 * are generated once and kept in `<dataDir>/secrets.json` so tokens survive restarts.
 */
export async function loadServerSecrets(options: {
  jwtSecret?: string;
  encryptionKey?: string;
  dataDir: string;
}): Promise<ServerSecrets> {
  if (options.jwtSecret && options.encryptionKey) {
    return { jwtSecret: options.jwtSecret, encryptionKey: parseEncryptionKey(options.encryptionKey) };
  }
  const file = join(options.dataDir, 'secrets.json');
  let stored: { jwtSecret?: string; encryptionKey?: string } = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = {
    jwtSecret: stored.jwtSecret ?? randomBytes(48).toString('base64url'),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('base64'),
  };
  if (!stored.jwtSecret || !stored.encryptionKey) {
    await mkdir(options.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return {
    jwtSecret: options.jwtSecret ?? generated.jwtSecret,
    encryptionKey: parseEncryptionKey(options.encryptionKey ?? generated.encryptionKey),
  };
}
