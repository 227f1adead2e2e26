import { z } from 'zod';
import type { ConnectorPasswordRules } from '../policy/connectorRules.js';
import { cbhAdminConnector } from './huawei-cbh-admin/index.js';
import { iamUserConnector } from './huawei-iam-user/index.js';
import { meetingUserConnector } from './huawei-meeting-user/index.js';
import { httpConnector } from './http/index.js';
import type { ConnectorDescriptor } from './types.js';

/**
 * Every kind of target rotor knows: one descriptor per kind. This map is the only place outside a
 * connector's own folder that names a kind; the kinds, the target schema and the per-kind rules are
 * all derived from it. Adding a kind = its folder (with its descriptor) + one line here.
 */
export const connectors = {
  'huawei-iam-user': iamUserConnector,
  'huawei-meeting-user': meetingUserConnector,
  'huawei-cbh-admin': cbhAdminConnector,
  http: httpConnector,
} as const satisfies { [Kind in string]: ConnectorDescriptor<z.ZodType, Kind> };

export type ConnectorKind = keyof typeof connectors;

/** The kinds rotor knows, in the registry's order. */
export const connectorKinds = Object.keys(connectors) as ConnectorKind[];

/**
 * A registry: production's is `connectors`; a test may pass an extended one (to `makeRotor` and
 * `configSchemaFor`) to add a kind without touching the source.
 */
export type ConnectorRegistry = Readonly<Record<string, ConnectorDescriptor>>;

/** Each kind's hard password rules. */
export const connectorRules = Object.fromEntries(
  connectorKinds.map((kind) => [kind, connectors[kind].rules]),
) as Record<ConnectorKind, ConnectorPasswordRules>;

/** The descriptor of a kind, typed loosely: for code that serves any registry. */
export function descriptorOf(registry: ConnectorRegistry, kind: string): ConnectorDescriptor | undefined {
  return Object.hasOwn(registry, kind) ? registry[kind] : undefined;
}

type TargetSchemas = (typeof connectors)[ConnectorKind]['targetSchema'];

/** A configured target: one strict schema per kind of `registry`, chosen by `kind`. */
export function targetSchemaOf(registry: ConnectorRegistry) {
  const schemas = Object.values(registry).map((d) => d.targetSchema) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<string> }>,
    ...z.ZodObject<{ kind: z.ZodLiteral<string> }>[],
  ];
  return z.discriminatedUnion('kind', schemas);
}

/** Production's target schema, typed as the union of every kind's schema. */
export const targetSchema = targetSchemaOf(connectors) as unknown as z.ZodType<
  z.output<TargetSchemas>,
  z.input<TargetSchemas>
>;

export type TargetConfig = z.infer<typeof targetSchema>;
