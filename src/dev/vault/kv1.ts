import type { Capability } from './policy.js';
import { noContent, notFound, ok, type EmuRequest, type EmuResponse } from './http.js';
import type { SecretsEngine } from './engine.js';

/**
 * KV version 1: one unversioned JSON object per path. It accepts a KV v2 shaped write as an ordinary
 * secret (answering 204, not 200), which is how a client pointed at the wrong kind of mount can tell.
 */
export class KvV1Engine implements SecretsEngine {
  readonly type = 'kv';
  readonly options = { version: '1' };
  private readonly items = new Map<string, Record<string, unknown>>();

  capabilityFor(req: EmuRequest, subPath: string): Capability {
    if (req.method === 'GET') return 'read';
    if (req.method === 'LIST') return 'list';
    if (req.method === 'DELETE') return 'delete';
    return this.items.has(subPath) ? 'update' : 'create';
  }

  handle(req: EmuRequest, subPath: string): EmuResponse {
    switch (req.method) {
      case 'GET': {
        const item = this.items.get(subPath);
        // KV v1 reads carry the mount's default lease (768h), not a version.
        return item ? ok(item, { leaseDuration: 2764800 }) : notFound;
      }
      case 'POST':
      case 'PUT':
        this.items.set(subPath, structuredClone(req.body));
        return noContent;
      case 'DELETE':
        this.items.delete(subPath);
        return noContent;
      case 'LIST': {
        const base = subPath === '' ? '' : `${subPath.replace(/\/$/, '')}/`;
        const keys = new Set<string>();
        for (const k of this.items.keys()) {
          if (!k.startsWith(base)) continue;
          const rest = k.slice(base.length);
          const slash = rest.indexOf('/');
          keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
        }
        return keys.size ? ok({ keys: [...keys].sort() }) : notFound;
      }
      default:
        return { status: 405, body: { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] } };
    }
  }
}
