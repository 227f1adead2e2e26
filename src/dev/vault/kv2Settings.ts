import { durationSeconds, weakBool, weakInt, type Decoded } from './goFields.js';
import { fieldError, parseCustomMetadata } from './kvFields.js';

/**
 * The settings KV v2 keeps per mount (`config`, path_config.go) and per key (`metadata/<key>`,
 * path_metadata.go), and how a write of each is parsed.
 */

/** Mount settings. `deleteVersionAfter` in seconds: 0 = not set, -1 = disabled for every key. */
export interface MountConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
}

/** The fields a metadata write carries; absent ones leave the key's setting alone. */
export interface MetadataFields {
  maxVersions?: number;
  casRequired?: boolean;
  /** Seconds; 0 clears the key's setting. */
  deleteVersionAfter?: number;
  customMetadata?: Record<string, string>;
}

/** backend.go defaultMaxVersions. */
export const defaultMaxVersions = 10;

/** The value Configuration.DisableDeleteVersionAfter stores (delete_version_after.go `disabled`). */
export const disabledDeleteVersionAfter = -1;

/** Go's uint32(int) conversion, which is what both config and metadata store max_versions as. */
function uint32(n: number): number {
  return n >>> 0;
}

/**
 * path_metadata.go pathMetadataWrite: the framework first refuses a field it cannot convert (a negative
 * `delete_version_after` among them); a write naming none of the four fields is the "fast path" (`fast`,
 * answered 204 with nothing created); then custom_metadata is validated.
 */
export function parseMetadataWrite(body: Record<string, unknown>): Decoded<MetadataFields | 'fast'> {
  const fields: MetadataFields = {};
  if ('max_versions' in body) {
    const max = weakInt(body.max_versions);
    if ('error' in max) return { error: fieldError('max_versions', body.max_versions, max.error) };
    fields.maxVersions = uint32(max.value);
  }
  if ('cas_required' in body) {
    const cas = weakBool(body.cas_required);
    if ('error' in cas) return { error: fieldError('cas_required', body.cas_required, cas.error) };
    fields.casRequired = cas.value;
  }
  // A null duration is "not given" to the framework (getPrimitive answers ok=false for nil).
  if (body.delete_version_after !== undefined && body.delete_version_after !== null) {
    const dva = durationSeconds(body.delete_version_after, false);
    if ('error' in dva) return { error: fieldError('delete_version_after', body.delete_version_after, dva.error) };
    fields.deleteVersionAfter = dva.value;
  }
  if (Object.keys(fields).length === 0 && !('custom_metadata' in body)) return { value: 'fast' };
  if ('custom_metadata' in body) {
    const custom = parseCustomMetadata(body.custom_metadata);
    if ('error' in custom) return custom;
    fields.customMetadata = custom.value;
  }
  return { value: fields };
}

/**
 * path_config.go pathConfigWrite: `delete_version_after` is signed here; a negative value disables it on
 * every key, 0 clears it. A write naming no field changes nothing; a field that cannot be converted
 * changes nothing either and answers the framework's error.
 */
export function applyConfigWrite(config: MountConfig, body: Record<string, unknown>): Decoded<true> {
  const next = { ...config };
  if ('max_versions' in body) {
    const max = weakInt(body.max_versions);
    if ('error' in max) return { error: fieldError('max_versions', body.max_versions, max.error) };
    next.maxVersions = uint32(max.value);
  }
  if ('cas_required' in body) {
    const cas = weakBool(body.cas_required);
    if ('error' in cas) return { error: fieldError('cas_required', body.cas_required, cas.error) };
    next.casRequired = cas.value;
  }
  if (body.delete_version_after !== undefined && body.delete_version_after !== null) {
    const dva = durationSeconds(body.delete_version_after, true);
    if ('error' in dva) return { error: fieldError('delete_version_after', body.delete_version_after, dva.error) };
    next.deleteVersionAfter = dva.value < 0 ? disabledDeleteVersionAfter : dva.value;
  }
  Object.assign(config, next);
  return { value: true };
}

/**
 * path_data.go AddVersion: the number of versions kept is the LARGER of the key's and the mount's
 * max_versions; when both are 0, the default of 10.
 */
export function effectiveMaxVersions(keyMax: number, mountMax: number): number {
  const larger = Math.max(keyMax, mountMax);
  return larger > 0 ? larger : defaultMaxVersions;
}

/**
 * delete_version_after.go deletionTime: a new (or undeleted) version is deleted `after` the smaller
 * non-zero of the mount's and the key's delete_version_after; none when both are 0 or the mount disabled
 * it. Answers the deletion time in ms, or null.
 */
export function scheduledDeletion(fromMs: number, mountSeconds: number, keySeconds: number): number | null {
  if (mountSeconds === disabledDeleteVersionAfter) return null;
  if (mountSeconds === 0 && keySeconds === 0) return null;
  let min = keySeconds;
  if ((mountSeconds !== 0 && mountSeconds < min) || min === 0) min = mountSeconds;
  return fromMs + min * 1000;
}
