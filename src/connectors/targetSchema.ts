import { z } from 'zod';
import { cbhAdminTargetSchema } from './huawei-cbh-admin/schema.js';
import { iamUserTargetSchema } from './huawei-iam-user/schema.js';
import { meetingUserTargetSchema } from './huawei-meeting-user/schema.js';

/** A configured target: one strict schema per connector kind, chosen by `kind`. */
export const targetSchema = z.discriminatedUnion('kind', [
  iamUserTargetSchema,
  meetingUserTargetSchema,
  cbhAdminTargetSchema,
]);

export type TargetConfig = z.infer<typeof targetSchema>;
