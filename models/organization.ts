import { Schema, model } from 'mongoose';
import { PROVIDER_TYPES, USER_GROUP_KINDS } from '../domain/roles';

const organizationSchema = new Schema(
  {
    name: { type: String, required: true },
    country: { type: String, required: true },
    state: { type: String, required: true },
    providerType: { type: String, enum: PROVIDER_TYPES, required: true },
    status: { type: String, enum: ['APPROVED'], required: true },
    /** The Security Official's registration that created it: makes provisioning idempotent. */
    createdByRegistrationId: { type: String, required: true, unique: true },
  },
  { timestamps: true },
);
export const OrganizationModel = model('Organization', organizationSchema);

const userGroupSchema = new Schema(
  {
    organizationId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    kind: { type: String, enum: USER_GROUP_KINDS, required: true },
    createdByRegistrationId: { type: String, required: true, unique: true },
  },
  { timestamps: true },
);
export const UserGroupModel = model('UserGroup', userGroupSchema);
