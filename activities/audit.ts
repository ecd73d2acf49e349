/** Appends to the audit trail; the key makes a retried activity write its event once. */
import { AuditEventModel } from '../models/support';

export async function audit(key: string, event: { kind: string; registrationId?: string; actor?: string; data?: Record<string, unknown> }): Promise<void> {
  await AuditEventModel.updateOne({ key }, { $setOnInsert: { key, at: new Date(), ...event } }, { upsert: true });
}
