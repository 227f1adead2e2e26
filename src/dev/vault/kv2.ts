import type { Capability } from './policy.js';
import type { SecretsEngine } from './engine.js';
import { parseCustomMetadata, toInt, versionList } from './kvFields.js';
import {
  errorResponse,
  isRecord,
  noContent,
  notFound,
  ok,
  parseDurationSeconds,
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
  deleteVersionAfter: string;
  customMetadata: Record<string, string> | null;
}

const defaultMaxVersions = 10;
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
  private config = { maxVersions: 0, casRequired: false, deleteVersionAfter: '0s' };

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

  private effectiveMaxVersions(meta: KeyMetadata): number {
    const c = this.config.maxVersions;
    if (meta.maxVersions !== 0 && (c === 0 || meta.maxVersions < c)) return meta.maxVersions;
    return c === 0 ? defaultMaxVersions : c;
  }

  private readData(key: string, versionParam: string | null): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return notFound;
    const requested = versionParam === null ? 0 : toInt(versionParam);
    if (requested === undefined) return errorResponse(400, 'invalid version');
    const number = requested === 0 ? meta.currentVersion : requested;
    const v = meta.versions.get(number);
    if (!v) return notFound;
    const metadata = { ...versionInfo(v), custom_metadata: meta.customMetadata, version: number };
    const gone = v.destroyed || (v.deletionTime !== null && v.deletionTime <= this.now());
    // A deleted or destroyed version still answers with its metadata, under a 404.
    if (gone) return { status: 404, body: ok({ data: null, metadata }).body };
    return ok({ data: v.data, metadata });
  }

  private writeData(key: string, body: Record<string, unknown>): EmuResponse {
    const data = body.data;
    if (data === undefined || data === null) return errorResponse(400, 'no data provided');
    if (!isRecord(data)) return errorResponse(400, 'data must be a JSON object');
    const existing = this.keys.get(key);
    const options = isRecord(body.options) ? body.options : {};
    const cas = options.cas === undefined ? undefined : toInt(options.cas);
    const currentVersion = existing?.currentVersion ?? 0;
    if (cas !== undefined && cas !== currentVersion) {
      return errorResponse(400, 'check-and-set parameter did not match the current version');
    }
    if (cas === undefined && (this.config.casRequired || existing?.casRequired)) {
      return errorResponse(400, 'check-and-set parameter required for this call');
    }
    const now = this.now();
    const meta: KeyMetadata = existing ?? {
      versions: new Map(),
      currentVersion: 0,
      oldestVersion: 0,
      createdTime: now,
      updatedTime: now,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfter: '0s',
      customMetadata: null,
    };
    const entry: VersionEntry = { data: structuredClone(data), createdTime: now, deletionTime: null, destroyed: false };
    meta.currentVersion += 1;
    meta.updatedTime = now;
    meta.versions.set(meta.currentVersion, entry);
    const max = this.effectiveMaxVersions(meta);
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
      delete_version_after: meta.deleteVersionAfter,
      max_versions: meta.maxVersions,
      oldest_version: meta.oldestVersion,
      updated_time: rfc3339(meta.updatedTime),
      versions,
    });
  }

  private writeMetadata(key: string, body: Record<string, unknown>): EmuResponse {
    let custom: Record<string, string> | undefined;
    if (body.custom_metadata !== undefined) {
      const parsed = parseCustomMetadata(body.custom_metadata);
      if (typeof parsed === 'string') return errorResponse(400, parsed);
      custom = parsed;
    }
    const now = this.now();
    const meta: KeyMetadata = this.keys.get(key) ?? {
      versions: new Map(),
      currentVersion: 0,
      oldestVersion: 0,
      createdTime: now,
      updatedTime: now,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfter: '0s',
      customMetadata: null,
    };
    const maxVersions = toInt(body.max_versions);
    if (maxVersions !== undefined) meta.maxVersions = maxVersions;
    if (typeof body.cas_required === 'boolean') meta.casRequired = body.cas_required;
    if (typeof body.delete_version_after === 'string') meta.deleteVersionAfter = body.delete_version_after;
    if (custom !== undefined) meta.customMetadata = custom;
    meta.updatedTime = now;
    this.keys.set(key, meta);
    return noContent;
  }

  private softDelete(key: string, versions: number[] | undefined): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return noContent;
    for (const n of versions ?? [meta.currentVersion]) {
      const v = meta.versions.get(n);
      if (v && v.deletionTime === null && !v.destroyed) v.deletionTime = this.now();
    }
    return noContent;
  }

  private mark(key: string, versions: number[], how: 'undelete' | 'destroy'): EmuResponse {
    const meta = this.keys.get(key);
    if (!meta) return noContent;
    for (const n of versions) {
      const v = meta.versions.get(n);
      if (!v) continue;
      if (how === 'destroy') Object.assign(v, { destroyed: true, data: null });
      else if (!v.destroyed) v.deletionTime = null;
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
      return ok({ max_versions: maxVersions, cas_required: casRequired, delete_version_after: deleteVersionAfter });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return unsupportedOperation;
    const max = toInt(req.body.max_versions);
    if (max !== undefined) this.config.maxVersions = max;
    if (typeof req.body.cas_required === 'boolean') this.config.casRequired = req.body.cas_required;
    const dva = parseDurationSeconds(req.body.delete_version_after);
    if (dva !== undefined) this.config.deleteVersionAfter = `${dva}s`;
    return noContent;
  }
}
