import { Misconfigured, isRotorError } from '../errors/index.js';
import { uiMountSchema } from './kvResponses.js';
import type { VaultSession } from './vaultSession.js';

/** Words used whenever a response shows the mount is not KV version 2. */
export function notKv2Message(mount: string): string {
  return (
    `Vault mount "${mount}" answered like a KV version 1 mount, but rotor needs KV version 2 ` +
    `(upgrade it with "vault kv enable-versioning ${mount}/" or set vault.mount to a KV v2 mount)`
  );
}

/**
 * Asks Vault which engine serves `mount` (`sys/internal/ui/mounts`, as the `vault kv` CLI does) and fails
 * with a plain sentence when it is not a KV v2 mount of that exact name.
 */
export async function checkKv2Mount(session: VaultSession, mount: string): Promise<void> {
  const path = `sys/internal/ui/mounts/${mount}`;
  let answer;
  try {
    answer = await session.call({ action: 'check the KV mount', path, capability: 'read' }, (c) => c.read(path), true);
  } catch (err) {
    // Vault gives the same 403 for a mount that does not exist and for one this token may not touch.
    if (isRotorError(err, 'PermissionDenied') && err.details.status === 403) {
      throw new Misconfigured(
        `Vault has no mount "${mount}/" that this token may use: enable it ("vault secrets enable -path=${mount} kv-v2") ` +
          `or grant the token access to paths under it`,
        { status: 403 },
      );
    }
    throw err;
  }
  // Vault releases before 0.10 have no such endpoint; the response-shape checks still apply then.
  if (answer.status === 404) return;
  const parsed = uiMountSchema.safeParse(answer.body);
  if (!parsed.success) throw new Misconfigured(`Vault's description of mount "${mount}" could not be read`);
  const { type, path: mountPath, options } = parsed.data.data;
  if (mountPath !== `${mount}/`) {
    const actual = mountPath.replace(/\/$/, '');
    throw new Misconfigured(
      `vault.mount "${mount}" is not a mount: it lies inside the mount "${actual}"; ` +
        `set vault.mount to "${actual}" and put the rest of the path in the secret paths`,
    );
  }
  if (type !== 'kv') {
    throw new Misconfigured(`Vault mount "${mount}" is a "${type}" secrets engine, but rotor needs KV version 2`);
  }
  if (options?.version !== '2') throw new Misconfigured(notKv2Message(mount));
}
