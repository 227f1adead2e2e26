import type { Cluster, Redis } from 'ioredis';

/** A single Redis or a Redis Cluster: BullMQ and every command rotor sends work with both. */
export type RedisClient = Redis | Cluster;
