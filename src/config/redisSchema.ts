import { z } from 'zod';

/**
 * `redis.tls`: TLS towards a Redis whose certificate a private CA signed, or that asks for a client
 * certificate (`tls-auth-clients yes`). Verification always stays on: there is no switch to turn it off.
 */
export const redisTlsSchema = z
  .object({
    /** PEM bundle of the CA(s) that signed Redis's certificate, trusted instead of the public roots. */
    caFile: z.string().min(1).optional(),
    /** PEM client certificate, for a Redis that requires one; goes with keyFile. */
    certFile: z.string().min(1).optional(),
    /** PEM private key of certFile. */
    keyFile: z.string().min(1).optional(),
    /** The name Redis's certificate must carry, when it differs from the host in redis.url (or a cluster node's address). */
    servername: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: 'certFile and keyFile go together: give both or neither',
    path: ['keyFile'],
  });

export type RedisTlsConfig = z.infer<typeof redisTlsSchema>;

const nodeSchema = z.union([
  z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'expected "host:port"')
    .transform((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
    }),
  z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict(),
]);

/** `redis.cluster`: the seed nodes of a Redis Cluster (the prefix must then carry a `{hash tag}`). */
export const redisClusterSchema = z.object({ nodes: z.array(nodeSchema).min(1) }).strict();
export type RedisClusterConfig = z.infer<typeof redisClusterSchema>;

/** Redis Cluster keeps a BullMQ queue's keys in one slot only when the prefix has a `{...}` hash tag. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^{}]+\}/.test(prefix);
}
