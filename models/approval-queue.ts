import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * The approvers' queue as a read model: one item per request waiting for a decision, keyed
 * `<kind>:<request id>`, written when the request starts waiting, changes route or stops
 * waiting (approvals/approval-queue.ts). `routeKeys` are the routing keys of the approvers its
 * route selects (domain/approval-routing.ts); under each of them the item holds a slot
 * (./queue-slots.ts `slots`), which orders an approver's page and is read by `_id`. Everything
 * an item shows is stored with it: no look-up per row.
 */
const approvalQueueItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['REGISTRATION', 'APPLICATION_ROLE'], required: true },
    requestId: { type: String, required: true },
    routeKeys: { type: [String], required: true },
    /** The applicant or requester: never shown their own request. */
    ownerUserId: { type: String },
    submittedAt: { type: Date, required: true },
    trackingNumber: { type: String },
    role: { type: String, required: true },
    organization: { type: String },
    userGroup: { type: String },
    heldBy: { type: [String], required: true },
    applicationId: { type: String },
    requesterName: { type: String },
    /** A registration's applicant, as they gave their name. */
    applicantName: { type: String },
    /** The slot it holds under each of its routing keys (./queue-slots.ts). */
    slots: {
      type: [new Schema({ key: { type: String, required: true }, n: { type: Number, required: true } }, { _id: false })],
      default: [],
    },
  },
  { collection: 'approval_queue', versionKey: false },
);
export const ApprovalQueueItemModel = model('ApprovalQueueItem', approvalQueueItemSchema);
export type ApprovalQueueItem = InferSchemaType<typeof approvalQueueItemSchema>;
