/**
 * rotor's programmatic API: what another service needs to request rotations and follow them, and
 * the scheduling pieces `rotor run` / `rotor scheduler` are built from.
 */
// Vault credentials are read only when Vault is opened: a service that only enqueues needs none.
export { loadConfig, parseConfig } from './config/loadConfig.js';
export { missingVaultCredentials } from './config/lazyCredentials.js';
export type { RotorConfig, TargetConfig } from './config/schema.js';
export type { MaintenanceWindow, SchedulingConfig } from './config/schedulingSchema.js';

// Requesting rotations
export { enqueueRotation, makeRotationClient } from './queue/rotationClient.js';
export type { RotationClient, RotationClientOptions } from './queue/rotationClient.js';
export { UnknownTarget } from './queue/enqueueRotation.js';
export type { EnqueuedRotation, EnqueueState, RotationRequest } from './queue/enqueueRotation.js';
export type { NoWorkerNotice, RotationResult, WaitingNotice, WaitOptions } from './queue/waitForRotations.js';
export type { WaitingReason } from './queue/waitingReason.js';
export { rotateTargets } from './scheduling/rotateTargets.js';
export type { RotateEvent, RotateSummary, RotateTargetsOptions } from './scheduling/rotateTargets.js';

// Scheduling
export { startScheduler, schedulingOf } from './scheduling/startScheduler.js';
export type { RotorScheduler, SchedulerDeps, SchedulerOptions } from './scheduling/startScheduler.js';
export { isInWindow, nextWindowStart } from './scheduling/maintenanceWindow.js';
export { jitterOffsetMs } from './scheduling/jitter.js';
export { planRotation } from './scheduling/planRotation.js';

// Status
export { readStatus, assessStatus } from './scheduling/statusReport.js';
export type { TargetState, TargetStatusRow } from './scheduling/statusReport.js';

// Redis (single node or Cluster)
export { makeRedisClient } from './queue/cluster.js';
export type { RedisClient } from './types/redis.js';
