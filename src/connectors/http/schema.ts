import { z } from 'zod';
import { durationSchema } from '../../config/duration.js';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';
import { checkTemplates } from './checkTemplates.js';

/**
 * `kind: http`: a change-password REST API described in the config. Every request is a template
 * (see `template.ts`); what success looks like and which refusals mean what are data too. The shape is
 * the contract documented in docs/architecture.md and docs/http-targets.md.
 */

/** An RFC 6901 JSON pointer: "" (the whole body) or "/a/b/0" (`~0` is "~", `~1` is "/"). */
export const jsonPointerSchema = z
  .string()
  .regex(/^(\/([^~]|~[01])*)*$/, 'expected a JSON pointer (RFC 6901) like /accessToken or /error/code');

const status = z.number().int().min(100).max(599);
const statuses = z.union([status, z.array(status).min(1)]).transform((s) => (Array.isArray(s) ? s : [s]));

const regexSchema = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a regular expression (JavaScript syntax) like "locked"' },
);

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** One value, or a list of which any will do. */
const equalsSchema = z.union([scalar, z.array(scalar).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** A body field to check: it must exist, or (with `equals`) hold exactly that value (one of those). */
const bodyCheckSchema = z.object({ pointer: jsonPointerSchema, equals: equalsSchema.optional() }).strict();

const successSchema = z
  .object(
    {
      /** The statuses that mean success. */
      status: statuses,
      /** Body fields a success carries. */
      json: z.array(bodyCheckSchema).default([]),
      /**
       * Which bodies a success may have. An HTML page or other text (a proxy's) is never success unless
       * `text` is listed. @defaultValue [empty, json]
       */
      body: z
        .array(z.enum(['empty', 'json', 'text']))
        .min(1)
        .default(['empty', 'json']),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'expected success: the reply that proves the request worked, e.g. success: { status: [200] }; rotor treats nothing as success by default'
          : undefined,
    },
  )
  .strict();

/** What a refusal means to rotor: how the rotation goes on after it. */
export const outcomes = [
  'unchanged',
  'policy-rejected',
  'throttled',
  'cooldown',
  'auth-failed',
  'locked',
  'disabled',
  'misconfigured',
] as const;
export type RefusalOutcome = (typeof outcomes)[number];

const refusalSchema = z
  .object({
    status: statuses,
    /** The rule matches only when this body field exists (or, with `equals`, holds that value). */
    pointer: jsonPointerSchema.optional(),
    equals: equalsSchema.optional(),
    /** The rule matches only when the raw body matches this regular expression. */
    bodyMatches: regexSchema.optional(),
    outcome: z.enum(outcomes),
    /** `cooldown`: how long the target forbids another change; defaults to the target's `cooldown`. */
    cooldown: durationSchema.optional(),
    /** `throttled`: the wait when the reply has no Retry-After header. @defaultValue 1s */
    retryAfter: durationSchema.optional(),
  })
  .strict();

export const requestSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** Below the endpoint, starting with "/". Templates here may use `vars` only. */
    path: z.string().regex(/^\//, 'expected a path below the endpoint starting with "/", like /v1/password'),
    /** Query parameters. Templates here may use `vars` only. */
    query: z.record(z.string().min(1), z.string()).default({}),
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** Sent as `Authorization: Basic base64(username:password)`. */
    basicAuth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    /** A JSON body: every string in it is a template; other values are sent as written. */
    json: z.json().optional(),
    /** A form body (`application/x-www-form-urlencoded`): every value is a template. */
    form: z.record(z.string().min(1), z.string()).optional(),
    /** @defaultValue application/json for `json`, application/x-www-form-urlencoded for `form` */
    contentType: z.string().min(1).optional(),
    success: successSchema,
    /** Tried in order; the first that matches decides. */
    refusals: z.array(refusalSchema).default([]),
  })
  .strict();

const sessionSchema = z.union([
  z.object({ body: jsonPointerSchema }).strict(),
  z.object({ header: z.string().min(1) }).strict(),
  z.object({ cookie: z.string().min(1) }).strict(),
]);

const loginSchema = requestSchema
  .extend({
    /** Where the session is in a successful login's reply: a body field, a response header, or a cookie. */
    session: sessionSchema.optional(),
    /** How long a session stays valid. @defaultValue 10m */
    sessionTtl: durationSchema.default(600_000),
  })
  .strict();

const changeSchema = requestSchema
  .extend({
    /** Re-sending the same change is harmless (an admin reset): how an unknown outcome is resolved. */
    idempotent: z.boolean().default(false),
  })
  .strict();

/** Password rules of the target's API, in the vocabulary of the built-in kinds' rules. */
const passwordRulesSchema = z
  .object({
    /** @defaultValue 8 */
    minLength: z.number().int().min(1).max(256).default(8),
    /** @defaultValue 64 */
    maxLength: z.number().int().min(1).max(256).default(64),
    /** Character classes (lower, upper, digits, special) required. @defaultValue 3 */
    minClasses: z.number().int().min(1).max(4).default(3),
    /** The special characters the API accepts. @defaultValue the 32 ASCII punctuation characters */
    specialChars: z.string().min(1).optional(),
    /** Longest run of one repeated character. */
    maxRun: z.number().int().min(1).optional(),
    /** New characters the new password must have that the old one lacks. @defaultValue 0 */
    minDiffFromOld: z.number().int().min(0).default(0),
    /** Recent passwords the new one may not equal. @defaultValue 0 */
    historyCount: z.number().int().min(0).default(0),
    /** Names of `vars` whose values (and their reverse) the password may not contain. */
    mustNotContain: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const httpTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('http'),
    endpoint: endpointSchema,
    /** Plain, non-secret values the templates use as `{{ vars.NAME }}`. */
    vars: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name like account'), z.string())
      .default({}),
    /** Names under `credentials:` whose fields the templates use as `{{ credentials.NAME.FIELD }}`. */
    credentials: z.array(z.string().min(1)).default([]),
    login: loginSchema.optional(),
    change: changeSchema,
    /** `login` (a login with the password), a request of its own, or `none` (audited as unverified). */
    verify: z.union([z.literal('login'), z.literal('none'), requestSchema]).default('login'),
    rules: passwordRulesSchema.prefault({}),
    /** Minimum time between two changes that the target enforces. @defaultValue 0 */
    cooldown: durationSchema.optional(),
    ...huaweiTargetExtras,
  })
  .strict()
  // `when`: the templates are checked even when another field is wrong, so one run reports every problem.
  .superRefine(
    (target, ctx) => {
      for (const issue of checkTemplates(target))
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    },
    { when: () => true },
  );

export type HttpTarget = z.infer<typeof httpTargetSchema>;
export type HttpRequestSpec = z.infer<typeof requestSchema>;
export type HttpLoginSpec = z.infer<typeof loginSchema>;
export type HttpChangeSpec = z.infer<typeof changeSchema>;
export type RefusalRule = z.infer<typeof refusalSchema>;
export type SuccessSpec = z.infer<typeof successSchema>;
