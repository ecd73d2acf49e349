/**
 * Appends to the hash-chained audit log (`audit/audit-log.ts`); the key makes a retried
 * activity write its event once.
 */
import { appendAudit, type AuditEventInput } from '../audit/audit-log';

export async function audit(key: string, event: AuditEventInput): Promise<void> {
  await appendAudit(key, event);
}
