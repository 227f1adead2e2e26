import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SecretStore } from '../types/secretStore.js';

/** Where the report signing key comes from: `audit.signing` in the config, exactly one of the two. */
export interface SigningKeySource {
  /** A PKCS#8 PEM file, readable by rotor only. */
  keyFile?: string;
  /** A secret in the KV mount whose field `privateKey` holds the PEM. */
  vaultPath?: string;
}

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/**
 * Loads the Ed25519 private key. Messages name the source and what was wrong with it, never a byte
 * of the key itself.
 */
export async function loadSigningKey(
  source: SigningKeySource | undefined,
  store: Pick<SecretStore, 'readSecret'> | undefined,
): Promise<KeyObject> {
  let pem: string;
  let where: string;
  if (source?.keyFile) {
    where = `audit.signing.keyFile (${source.keyFile})`;
    try {
      pem = await readFile(source.keyFile, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new SigningKeyError(`cannot read ${where}${typeof code === 'string' ? `: ${code}` : ''}`);
    }
  } else if (source?.vaultPath) {
    where = `audit.signing.vaultPath (${source.vaultPath}, field privateKey)`;
    if (!store) throw new SigningKeyError(`${where} needs Vault: drop --no-vault, or use audit.signing.keyFile`);
    const secret = await store.readSecret(source.vaultPath);
    const field = secret?.data.privateKey;
    if (typeof field !== 'string' || secret?.deleted) throw new SigningKeyError(`${where}: no privateKey stored there`);
    pem = field;
  } else {
    throw new SigningKeyError(
      '--sign needs a key: set audit.signing.keyFile (a PEM file) or audit.signing.vaultPath (a KV secret with field privateKey)',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SigningKeyError(`${where}: not a PEM private key (make one with: openssl genpkey -algorithm ed25519)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      `${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'another type'} (openssl genpkey -algorithm ed25519)`,
    );
  }
  return key;
}
