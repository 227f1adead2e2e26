import type { ConnectorKind } from './kinds.js';
import type { ConnectorDescriptor } from './types.js';
import { iamUserConnector } from './huawei-iam-user/index.js';
import { meetingUserConnector } from './huawei-meeting-user/index.js';
import { cbhAdminConnector } from './huawei-cbh-admin/index.js';

/** Every connector rotor knows, one descriptor per kind. */
export const connectors: Record<ConnectorKind, ConnectorDescriptor> = {
  'huawei-iam-user': iamUserConnector,
  'huawei-meeting-user': meetingUserConnector,
  'huawei-cbh-admin': cbhAdminConnector,
};
