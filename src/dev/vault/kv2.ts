import type { Capability } from './policy.js';
import type { SecretsEngine } from './engine.js';
import { fieldError, parseCas, versionList } from './kvFields.js';
import { formatGoDuration, weakInt } from './goFields.js';
import {
  applyConfigWrite,
  effectiveMaxVersions,
  parseMetadataWrite,
  scheduledDeletion,
  type MountConfig,
} from './kv2Settings.js';
import {
  errorResponse,
  isRecord,
  noContent,
  notFound,
  ok,
  rfc3339,
  type EmuRequest,
  type EmuResponse,
} from './http.js';

interface VersionEntry {
  data: Record<string, unknown> | null;
  createdTime: number;
  deletionTime: number | null;
  destroyed: boolean;
}

interface KeyMetadata {
  versions: Map<number, VersionEntry>;
  currentVersion: number;
  oldestVersion: number;
  createdTime: number;
  updatedTime: number;
  maxVersions: number;
  casRequired: boolean;
  /** Seconds; 0 = not set (the mount's applies). */
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
}

function newKey(now: number): KeyMetadata {
  return {
    versions: new Map(),
    currentVersion: 0,
    oldestVersion: 0,
    createdTime: now,
    updatedTime: now,
    maxVersions: 0,
    casRequired: false,
    deleteVersionAfter: 0,
    customMetadata: null,
  };
}

const unsupportedOperation = errorResponse(405, '1 error occurred:\n\t* unsupported operation\n\n');

function versionInfo(v: VersionEntry) {
  return {
    created_time: rfc3339(v.createdTime),
    deletion_time: v.deletionTime === null ? '' : rfc3339(v.deletionTime),
    destroyed: v.destroyed,
  };
}

/** KV version 2, as served by vault-plugin-secrets-kv: versioned data, metadata, check-and-set. */
export class KvV2Engine implements SecretsEngine {
  readonly type = 'kv';
  readonly options = { version: '2' };
  private readonly keys = new Map<string, KeyMetadata>();
  private readonly config: MountConfig = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };

  constructor(private readonly now: () => number) {}

  capabilityFor(req: EmuRequest, subPath: string): Capability {
    switch (req.method) {
      case 'GET':
        return 'read';
      case 'LIST':
        return 'list';
      case 'DELETE':
        return 'delete';
      case 'PATCH':
        return 'patch';
      default: {
        const [section, ...rest] = subPath.split('/');
        // Only data/ and metadata/ have an existence check; other writes are plain updates.
        if (section !== 'data' && section !== 'metadata') return 'update';
        return this.keys.has(rest.join('/')) ? 'update' : 'create';
      }
    }
  }

  handle(req: EmuRequest, subPath: string): EmuResponse {
    const slash = subPath.indexOf('/');
    const section = slash < 0 ? subPath : subPath.slice(0, slash);
    const key = slash < 0 ? '' : subPath.slice(slash + 1);
    const m = req.method;
    if (section === 'config') return this.handleConfig(req);
    if (section === 'metadata' && m === 'LIST') return this.list(key);
    if (key === '' && section !== 'metadata') return errorResponse(404, '1 error occurred:\n\t* unsupported path\n\n');
    switch (section) {
      case 'data':
        if (m === 'GET') return this.readData(key, req.query.get('version'));
        if (m === 'POST' || m === 'PUT') return this.writeData(key, req.body);
        if (m === 'DELETE') return this.softDelete(key, undefined);
        return unsupportedOperation;
      case 'metadata':
        if (m === 'GET') return this.readMetadata(key);
        if (m === 'POST' || m === 'PUT') return this.writeMetadata(key, req.body);
        if (m === 'DELETE') {
          // Deleting metadata removes every version: nothing of the key remains.
          this.keys.delete(key);
          return noContent;
        }
        return unsupportedOperation;
      case 'delete':
      case 'undelete':
      case 'destroy': {
        if (m !== 'POST' && m !== 'PUT') return unsupportedOperation;
        const versions = versionList(req.body);
        if (!versions) return errorResponse(400, 'no version number provided');
        if (section === 'delete') return this.softDelete(key, versions);
        return this.mark(key, versions, section);
      }
      default:
        return errorResponse(404, '1 error occurred:\n\t* unsupported path\n\n');
    }
  }

  /** path_data.go pathDataRead: a deletion_time still in the future leaves the version live. */
  private isDeleted(v: VersionEntry): boolean {
    return v.deletionTime !== null && v.deletionTime < this.now();
  }

  /** The deletion_time a version created (or undeleted) at `from` gets from delete_version_after. */
  private deletionFrom(from: number, meta: KeyMetadata): number | null {
    return scheduledDeletion(from, this.config.deleteVersionAfter, meta.deleteVersionAfter);
  }

  private readData(key: string, versionParam: string | null): EmuResponse {
    const requested = versionParam === null ? { value: 0 } : weakInt(versionParam);
    if ('error' in requested) return errorResponse(400, fieldError('version', versionParam, requested.error));
    const meta = this.keys.get(key);
    if (!meta) return notFound;
    const number = requested.value > 0 ? requested.value : meta.currentVersion;
    const v = meta.versions.get(number);
    if (!v) return notFound;
    const metadata = { ...versionInfo(v), custom_metadata: meta.customMetadata, version: number };
    // A deleted or destroyed version still answers with its metadata, under a 404.
    if (v.destroyed || this.isDeleted(v)) return { status: 404, body: ok({ data: null, metadata }).body };
    return ok({ data: v.data, metadata });
  }

  /** path_data.go pathDataWrite (with validateCheckAndSetOption and KeyMetadata.AddVersion). */
  private writeData(key: string, body: Record<string, unknown>): EmuResponse {
    // The framework refuses fields it cannot convert before the handler runs; then data, then cas.
    const { options, data } = body;
    if (options !== undefined && options !== null && !isRecord(options)) {
      return errorResponse(400, fieldError('options', options, 'expected a map'));
    }
    if (data !== undefined && data !== null && !isRecord(data)) {
      return errorResponse(400, fieldError('data', data, 'expected a map'));
    }
    if (data === undefined || data === null) return errorResponse(400, 'no data provided');
    const cas = parseCas(body);
    if ('error' in cas) return errorResponse(400, cas.error);
    const existing = this.keys.get(key);
    const currentVersion = existing?.currentVersion ?? 0;
    if (cas.value !== undefined && cas.value !== currentVersion) {
      return errorResponse(400, 'check-and-set parameter did not match the current version');
    }
    if (cas.value === undefined && (this.config.casRequired || existing?.casRequired)) {
      return errorResponse(400, 'check-and-set parameter required for this call');
    }
    const now = this.now();
    const meta = existing ?? newKey(now);
    const entry: VersionEntry = {
      data: structuredClone(data),
      createdTime: now,
      deletionTime: this.deletionFrom(now, meta),
      destroyed: false,
    };
    meta.currentVersion += 1;
    meta.updatedTime = now;
    meta.versions.set(meta.currentVersion, entry);
    const max = effectiveMaxVersions(meta.maxVersions, this.config.maxVersions);
    if (meta.currentVersion - meta.oldestVersion >= max) {
      const lastToDrop = meta.currentVersion - max;
      for (let i = meta.oldestVersion; i <= lastToDrop; i++) meta.versions.delete(i);
      meta.oldestVersion = lastToDrop + 1;
    }
    this.keys.set(key, meta);
    return ok({ ...versionInfo(entry), custom_metadata: meta.customMetadata, version: meta.currentVersion });
  }

  private readMetadata(key: string): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return notFound;
    const versions: Record<string, unknown> = {};
    for (const [n, v] of meta.versions) versions[String(n)] = versionInfo(v);
    return ok({
      cas_required: meta.casRequired,
      created_time: rfc3339(meta.createdTime),
      current_version: meta.currentVersion,
      custom_metadata: meta.customMetadata,
      delete_version_after: formatGoDuration(meta.deleteVersionAfter),
      max_versions: meta.maxVersions,
      oldest_version: meta.oldestVersion,
      updated_time: rfc3339(meta.updatedTime),
      versions,
    });
  }

  /** path_metadata.go pathMetadataWrite: the fast path creates nothing; updated_time is left alone. */
  private writeMetadata(key: string, body: Record<string, unknown>): EmuResponse {
    const parsed = parseMetadataWrite(body);
    if ('error' in parsed) return errorResponse(400, parsed.error);
    if (parsed.value === 'fast') return noContent;
    const fields = parsed.value;
    const meta = this.keys.get(key) ?? newKey(this.now());
    if (fields.maxVersions !== undefined) meta.maxVersions = fields.maxVersions;
    if (fields.casRequired !== undefined) meta.casRequired = fields.casRequired;
    if (fields.deleteVersionAfter !== undefined) meta.deleteVersionAfter = fields.deleteVersionAfter;
    if (fields.customMetadata !== undefined) meta.customMetadata = fields.customMetadata;
    this.keys.set(key, meta);
    if (fields.casRequired === false && this.config.casRequired) {
      const warning = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';
      return ok(null, { warnings: [warning] });
    }
    return noContent;
  }

  /**
   * path_delete.go pathDeleteWrite / path_data.go pathDataDelete: a version not yet deleted gets
   * deletion_time = now, including one whose delete_version_after deletion is still in the future.
   */
  private softDelete(key: string, versions: number[] | undefined): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return noContent;
    for (const n of versions ?? [meta.currentVersion]) {
      const v = meta.versions.get(n);
      if (v && !v.destroyed && !this.isDeleted(v)) v.deletionTime = this.now();
    }
    return noContent;
  }

  /** path_delete.go pathUndeleteWrite (restarts the delete_version_after clock) and path_destroy.go. */
  private mark(key: string, versions: number[], how: 'undelete' | 'destroy'): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return noContent;
    for (const n of versions) {
      const v = meta.versions.get(n);
      if (!v || v.destroyed) continue;
      if (how === 'destroy') Object.assign(v, { destroyed: true, data: null });
      else v.deletionTime = this.deletionFrom(this.now(), meta);
    }
    return noContent;
  }

  private list(prefix: string): EmuResponse {
    const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const keys = new Set<string>();
    for (const k of this.keys.keys()) {
      if (!k.startsWith(base)) continue;
      const rest = k.slice(base.length);
      const slash = rest.indexOf('/');
      keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
    }
    if (keys.size === 0) return notFound;
    return ok({ keys: [...keys].sort() });
  }

  private handleConfig(req: EmuRequest): EmuResponse {
    if (req.method === 'GET') {
      const { maxVersions, casRequired, deleteVersionAfter } = this.config;
      return ok({
        max_versions: maxVersions,
        cas_required: casRequired,
        delete_version_after: formatGoDuration(deleteVersionAfter),
      });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return unsupportedOperation;
    const applied = applyConfigWrite(this.config, req.body);
    return 'error' in applied ? errorResponse(400, applied.error) : noContent;
  }
}
