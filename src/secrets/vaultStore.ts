import type { z } from 'zod';
import { silentLogger, type Logger } from '../observability/logger.js';
import { Conflict, Misconfigured, isRotorError } from '../errors/index.js';
import type { VaultConfig } from './schema.js';
import type {
  IssuePendingRecord,
  PendingRecord,
  PromoteArgs,
  RotationStamp,
  SecretStore,
  SecretVersion,
} from '../types/secretStore.js';
import { checkKv2Mount, notKv2Message } from './kvMount.js';
import {
  issuePendingRecordSchema,
  kvMetadataSchema,
  kvReadSchema,
  kvWriteSchema,
  pendingRecordSchema,
} from './kvResponses.js';
import { makeAuthenticator } from './vaultAuth.js';
import { isRouteNotFound, type VaultOp } from './vaultErrors.js';
import { VaultSession, type SessionOptions } from './vaultSession.js';
import { checkAccess, readHealth, type AccessProblem, type VaultHealth } from './vaultChecks.js';

export interface SecretMetadata {
  currentVersion: number;
  oldestVersion: number;
  maxVersions: number;
  customMetadata: Record<string, string>;
  versions: { version: number; createdTime: string; deletionTime: string; destroyed: boolean }[];
}

/** The Vault KV v2 implementation of `SecretStore`, plus the checks `rotor config validate` and health use. */
export interface VaultStore extends SecretStore {
  readonly mount: string;
  /** Fails with Misconfigured when `mount` is not a KV v2 mount of that exact name. */
  checkMount(): Promise<void>;
  readMetadata(secretPath: string): Promise<SecretMetadata | null>;
  /** Creates a secret that does not exist yet (check-and-set 0: never overwrites); for seeding. */
  createSecret(secretPath: string, fields: Record<string, string>): Promise<number>;
  /** Writes a whole new version with check-and-set (`cas` = the current version, 0 = create); Conflict if it moved. */
  writeVersion(secretPath: string, fields: Record<string, string | number>, cas: number): Promise<number>;
  /** Every version Vault still lists (max_versions prunes the oldest), oldest first; deleted ones flagged. */
  readVersions(secretPath: string): Promise<SecretVersion[]>;
  /** Which capabilities rotor's token lacks on the paths it will use for these secrets (empty = all good). */
  checkAccess(secretPaths: string[]): Promise<AccessProblem[]>;
  health(): Promise<VaultHealth>;
}

export interface VaultStoreDeps extends SessionOptions {
  logger?: Logger;
  /** Check the mount's engine and version at start. @defaultValue true */
  checkMount?: boolean;
}

/**
 * A path that `clean` returns unchanged: non-empty segments of characters encodeURIComponent keeps,
 * none of them `.` or `..`. Most paths are such, and a rotation cleans the same one several times.
 */
const alreadyClean = /^[\w\-.!~*'()]+(?:\/[\w\-.!~*'()]+)*$/;
const dotSegment = /(?:^|\/)\.\.?(?:\/|$)/;

/** One secret path segment list, URL-encoded; leading/trailing slashes are not part of a secret path. */
function clean(path: string): string {
  if (alreadyClean.test(path) && !dotSegment.test(path)) return path;
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) {
    throw new Misconfigured(`"${path}" is not a usable Vault secret path`);
  }
  return segments.map(encodeURIComponent).join('/');
}

function hasDataObject(body: unknown): boolean {
  const data = (body as { data?: unknown } | null | undefined)?.data;
  return typeof data === 'object' && data !== null;
}

/** A read: no such key/version, a deleted or destroyed version (metadata only), or a live one. */
type RawRead = { kind: 'missing' } | { kind: 'gone' | 'live'; meta: SecretVersion };

export async function makeVaultStore(config: VaultConfig, deps: VaultStoreDeps = {}): Promise<VaultStore> {
  const logger = (deps.logger ?? silentLogger).child({ component: 'vault' });
  const session = new VaultSession(config, makeAuthenticator(config.auth), logger, deps);
  const { mount } = config;
  const data = (p: string) => `${mount}/data/${clean(p)}`;
  const metadata = (p: string) => `${mount}/metadata/${clean(p)}`;
  const pendingPath = (targetId: string) => `${config.statePrefix}/${targetId}`;

  async function read(path: string, version?: number, action = 'read secret'): Promise<RawRead> {
    const op: VaultOp = { action, path, capability: 'read' };
    const suffix = version === undefined ? '' : `?version=${version}`;
    const answer = await session.call(op, (c) => c.read(`${path}${suffix}`), true);
    if (answer.status === 404 && isRouteNotFound(answer.body)) {
      throw new Misconfigured(`Vault has no handler for ${path}: is "${mount}" a KV version 2 mount?`, { status: 404 });
    }
    // Nothing at all at this path (the usual pending-record read): no KV answer to parse. A 404 for a
    // deleted version carries its metadata under `data` and is parsed below.
    if (answer.status === 404 && !hasDataObject(answer.body)) return { kind: 'missing' };
    const parsed = kvReadSchema.safeParse(answer.body);
    if (!parsed.success) {
      if (answer.status === 404) return { kind: 'missing' };
      throw new Misconfigured(notKv2Message(mount));
    }
    const { data: fields, metadata: m } = parsed.data.data;
    const meta: SecretVersion = {
      data: fields ?? {},
      password: typeof fields?.password === 'string' ? fields.password : undefined,
      version: m.version,
      customMetadata: m.custom_metadata ?? {},
      createdTime: m.created_time,
    };
    // A deleted or destroyed version answers 404 with its metadata and `data: null`.
    if (answer.status === 404 || fields === null) return { kind: 'gone', meta: { ...meta, deleted: true } };
    return { kind: 'live', meta };
  }

  /** A check-and-set write; a 400 is a lost race only if the key's version really moved on. */
  async function casWrite(path: string, body: Record<string, unknown>, cas: number, action: string) {
    // Vault checks "create" when the key does not exist yet (cas 0) and "update" when it does.
    const op: VaultOp = { action, path, capability: cas === 0 ? 'create' : 'update' };
    try {
      const answer = await session.call(op, (c) => c.write(path, { options: { cas }, data: body }));
      const parsed = kvWriteSchema.safeParse(answer.body);
      // KV v1 stores the whole body as an ordinary secret and answers 204 with no version.
      if (!parsed.success) throw new Misconfigured(notKv2Message(mount));
      return parsed.data.data;
    } catch (err) {
      if (!isRotorError(err, 'Misconfigured') || err.details.status !== 400) throw err;
      const current = await currentVersion(path.replace(`${mount}/data/`, `${mount}/metadata/`)).catch(() => undefined);
      if (current !== undefined && current === cas) throw err;
      const now = current === undefined ? 'another version' : `version ${current}`;
      throw new Conflict(`check-and-set on ${path} lost: expected version ${cas}, Vault has ${now}`, { status: 400 });
    }
  }

  /** A target's pending record, read as the record its rotation strategy writes. */
  async function readPendingAs<T>(targetId: string, schema: z.ZodType<T>) {
    const path = data(pendingPath(targetId));
    const r = await read(path, undefined, 'read pending record');
    if (r.kind !== 'live') return null;
    const parsed = schema.safeParse(r.meta.data);
    if (!parsed.success) throw new Misconfigured(`the pending record at ${path} is not one rotor wrote`);
    return { record: parsed.data, version: r.meta.version };
  }

  async function writePendingRecord(targetId: string, record: PendingRecord | IssuePendingRecord, cas: number) {
    const written = await casWrite(data(pendingPath(targetId)), { ...record }, cas, 'write pending record');
    return written.version;
  }

  async function currentVersion(metaPath: string): Promise<number> {
    const op: VaultOp = { action: 'read metadata', path: metaPath, capability: 'read' };
    const answer = await session.call(op, (c) => c.read(metaPath), true);
    if (answer.status === 404) return 0;
    return kvMetadataSchema.parse(answer.body).data.current_version;
  }

  const store: VaultStore = {
    mount,

    async readSecret(secretPath) {
      const r = await read(data(secretPath));
      if (r.kind === 'missing') return null;
      // A soft-deleted current version still holds the version number that the next cas must name.
      return r.meta;
    },

    async readSecretVersion(secretPath, version) {
      const r = await read(data(secretPath), version);
      return r.kind === 'live' ? r.meta : null;
    },

    async passwordHistory(secretPath, count) {
      const meta = await store.readMetadata(secretPath);
      if (!meta || count <= 0) return [];
      // A deletion_time is not proof of deletion: with delete_version_after set on the mount or the key,
      // KV v2 gives every version a deletion_time in the future and the version stays live until then.
      // Whether that time has passed is Vault's call on Vault's clock, so every version not destroyed is
      // read, and only Vault's 404 says it is gone.
      const older = meta.versions
        .filter((v) => v.version < meta.currentVersion && !v.destroyed)
        .sort((a, b) => b.version - a.version);
      const out: string[] = [];
      for (const v of older) {
        if (out.length >= count) break;
        const r = await read(data(secretPath), v.version, 'read password history');
        if (r.kind === 'live' && r.meta.password !== undefined) out.push(r.meta.password);
      }
      return out;
    },

    readPending: (targetId) => readPendingAs(targetId, pendingRecordSchema),
    writePending: (targetId, record: PendingRecord, cas) => writePendingRecord(targetId, record, cas),
    readIssuePending: (targetId) => readPendingAs(targetId, issuePendingRecordSchema),
    writeIssuePending: (targetId, record: IssuePendingRecord, cas) => writePendingRecord(targetId, record, cas),

    async pendingStep(targetId) {
      const r = await read(data(pendingPath(targetId)), undefined, 'read pending record');
      if (r.kind !== 'live') return null;
      const step = r.meta.data.step;
      return typeof step === 'string' ? step : 'unknown';
    },

    async deletePending(targetId) {
      const path = metadata(pendingPath(targetId));
      // Deleting the metadata removes every version, so no earlier password stays readable there.
      await session.call({ action: 'delete pending record', path, capability: 'delete' }, (c) => c.delete(path));
    },

    async promote(secretPath, args: PromoteArgs) {
      const path = data(secretPath);
      // Keep every other field of the version the rotation started from; a concurrent writer makes cas fail.
      const base = args.cas > 0 && !args.base ? await read(path, args.cas, 'read secret before promote') : undefined;
      const fields = args.base ?? (base?.kind === 'live' ? base.meta.data : {});
      const managed = args.fields ?? { password: args.password };
      const written = await casWrite(path, Object.assign({}, fields, managed), args.cas, 'promote new password');
      // The stamp never throws; what runs beside it waits on Vault too, so neither waits for the other.
      const stamping = stamp(secretPath, args, written.custom_metadata ?? {});
      try {
        await args.alongside?.();
      } finally {
        await stamping;
      }
      return written.version;
    },

    stampRotation: (secretPath, rotation, existing) => stamp(secretPath, rotation, existing),

    async createSecret(secretPath, fields) {
      return (await casWrite(data(secretPath), { ...fields }, 0, 'create secret')).version;
    },

    async writeVersion(secretPath, fields, cas) {
      return (await casWrite(data(secretPath), { ...fields }, cas, 'write version')).version;
    },

    async readVersions(secretPath) {
      const meta = await store.readMetadata(secretPath);
      const out: SecretVersion[] = [];
      for (const v of [...(meta?.versions ?? [])].sort((a, b) => a.version - b.version)) {
        const gone = { data: {}, password: undefined, version: v.version, customMetadata: {}, deleted: true };
        if (v.destroyed) out.push({ ...gone, createdTime: v.createdTime });
        else {
          const r = await read(data(secretPath), v.version, 'read version');
          if (r.kind !== 'missing') out.push(r.meta);
        }
      }
      return out;
    },

    async readMetadata(secretPath) {
      const path = metadata(secretPath);
      const op: VaultOp = { action: 'read metadata', path, capability: 'read' };
      const answer = await session.call(op, (c) => c.read(path), true);
      if (answer.status === 404) return null;
      const parsed = kvMetadataSchema.safeParse(answer.body);
      if (!parsed.success) throw new Misconfigured(notKv2Message(mount));
      const m = parsed.data.data;
      return {
        currentVersion: m.current_version,
        oldestVersion: m.oldest_version,
        maxVersions: m.max_versions,
        customMetadata: m.custom_metadata ?? {},
        versions: Object.entries(m.versions).map(([n, v]) => ({
          version: Number(n),
          createdTime: v.created_time,
          deletionTime: v.deletion_time,
          destroyed: v.destroyed,
        })),
      };
    },

    checkMount: () => checkKv2Mount(session, mount),
    checkAccess: (secretPaths) => checkAccess(session, config, secretPaths.map(clean)),
    health: () => readHealth(session, config.timeoutMs),

    async close() {
      session.close();
    },
  };

  /**
   * Stamps rotation facts into custom_metadata, after the password write. The password is already the
   * current version by then, so a failure here is logged and not thrown: throwing would make the caller
   * retry a promote whose cas can no longer match.
   */
  async function stamp(secretPath: string, args: RotationStamp, existing: Record<string, string>): Promise<void> {
    const path = metadata(secretPath);
    const custom_metadata = {
      ...existing,
      rotated_at: args.rotatedAt.toISOString(),
      rotation_id: args.rotationId,
      rotor_target: args.targetId,
    };
    try {
      const op: VaultOp = { action: 'stamp custom_metadata', path, capability: 'update' };
      await session.call(op, (c) => c.write(path, { custom_metadata }));
    } catch (err) {
      logger.warn(
        { err, path, rotationId: args.rotationId },
        'vault: password promoted but custom_metadata not stamped',
      );
    }
  }

  await session.start();
  try {
    if (deps.checkMount !== false) await store.checkMount();
  } catch (err) {
    session.close();
    throw err;
  }
  return store;
}
