import { z } from 'zod';
import { cloudEventTypes } from './types.js';

/** Which targets a subscriber hears about; an empty list matches every target. */
const selectorSchema = z
  .object({
    ids: z.array(z.string().min(1)).default([]),
    kinds: z.array(z.string().min(1)).default([]),
    /** A target matches when it carries at least one of these tags. */
    tags: z.array(z.string().min(1)).default([]),
  })
  .strict();

const eventTypeSchema = z.enum(cloudEventTypes, {
  error: `expected one of ${cloudEventTypes.join(', ')}`,
});

/** Shared by webhooks and commands: what the subscriber wants and how hard to try. */
const subscriberShape = {
  /** Names the subscriber in metrics, `rotor events` and `rotor status`. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected letters, digits, ".", "_" and "-"'),
  /** Event types wanted (default: all). */
  types: z.array(eventTypeSchema).default([]),
  targets: selectorSchema.prefault({}),
  timeoutMs: z.number().int().positive().default(10_000),
};

const signingSecretSchema = z
  .object({
    /** `whsec_<base64>`, usually `${ROTOR_WEBHOOK_SECRET}` from the environment. */
    value: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_<base64>')
      .optional(),
    /** Or read from Vault: a KV path (below the mount) and the field holding `whsec_<base64>`. */
    vaultPath: z.string().min(1).optional(),
    field: z.string().min(1).default('secret'),
  })
  .strict()
  .refine((s) => (s.value === undefined) !== (s.vaultPath === undefined), {
    message: 'expected exactly one of value or vaultPath',
  });

const webhookSchema = z
  .object({
    ...subscriberShape,
    url: z.url({ protocol: /^https?$/, error: 'expected a URL like https://hooks.example.com/rotor' }),
    /** PEM bundle of a private CA for the receiver; verification stays on. */
    caFile: z.string().min(1).optional(),
    /** Standard Webhooks signing key; without it deliveries are unsigned. */
    signingSecret: signingSecretSchema.optional(),
  })
  .strict();

const commandSchema = z
  .object({
    ...subscriberShape,
    /** The program and its arguments (no shell); gets the event as JSON on stdin. Exit 0 = delivered. */
    run: z.array(z.string().min(1)).min(1),
  })
  .strict();

const deliverySchema = z
  .object({
    /** Tries per subscriber before the event moves to the dead letters. */
    maxTries: z.number().int().min(1).max(100).default(8),
    /** First retry delay; doubled at each try up to maxDelayMs. */
    initialDelayMs: z.number().int().min(10).default(1_000),
    maxDelayMs: z.number().int().min(10).default(300_000),
    /** How often the dispatcher looks for due deliveries. */
    pollIntervalMs: z.number().int().min(50).default(1_000),
  })
  .strict();

export const eventsSchema = z
  .object({
    /** The CloudEvents `source` of every event. */
    source: z.string().min(1).default('/rotor'),
    webhooks: z.array(webhookSchema).default([]),
    commands: z.array(commandSchema).default([]),
    delivery: deliverySchema.prefault({}),
  })
  .strict()
  .refine(
    (e) => {
      const names = [...e.webhooks, ...e.commands].map((s) => s.name);
      return new Set(names).size === names.length;
    },
    { message: 'expected every webhook and command to have its own name' },
  );

export type EventsConfig = z.infer<typeof eventsSchema>;
export type WebhookSubscriberConfig = z.infer<typeof webhookSchema>;
export type CommandSubscriberConfig = z.infer<typeof commandSchema>;
