/** The kinds of target rotor knows. Adding a kind = one descriptor in `connectors/index.ts` + its folder. */
export const connectorKinds = ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'] as const;

export type ConnectorKind = (typeof connectorKinds)[number];
