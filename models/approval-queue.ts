import { Schema, model } from 'mongoose';

/**
 * The approvers' queue as a read model: one item per request waiting for a decision, keyed
 * `<kind>:<request id>`, written when the request starts waiting, changes route or stops
 * waiting (approvals/approval-queue.ts). `routeKeys` are the routing keys of the approvers its
 * route selects (domain/approval-routing.ts), so an approver's page is one indexed query sorted
 * by submission. Everything an item shows is stored with it: no look-up per row.
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
  },
  { collection: 'approval_queue', versionKey: false },
);
approvalQueueItemSchema.index({ routeKeys: 1, submittedAt: 1, _id: 1 });
export const ApprovalQueueItemModel = model('ApprovalQueueItem', approvalQueueItemSchema);
