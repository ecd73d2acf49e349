/**
 * The Help Desk sends a registration's acknowledgement (the tracking-number email) again: the
 * same message the workflow's `acknowledgeSubmission` sends (activities/emails.ts `submitted`),
 * sent now whatever the ledger says, and recorded in the audit log with who asked.
 */
import { randomUUID } from 'node:crypto';
import { submitted } from '../../activities/emails';
import type { Mailer } from '../../activities/mailer';
import { appendAudit } from '../../audit/audit-log';

export async function resendAcknowledgement(
  mailer: Mailer,
  request: { registrationId: string; email: string; trackingNumber: string },
  actor: string,
): Promise<void> {
  await mailer.send(submitted(request.email, request.trackingNumber));
  await appendAudit(`ACKNOWLEDGEMENT_RESENT:${request.registrationId}:${randomUUID()}`, {
    kind: 'ACKNOWLEDGEMENT_RESENT',
    registrationId: request.registrationId,
    actor,
    data: { trackingNumber: request.trackingNumber },
  });
}
