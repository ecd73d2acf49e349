/** The emails of an application-role request (Table 2): the outcome, to the requester. */
import type { ApplicationRole } from '../domain/application-roles';
import type { ApproverNotice, RequesterNotice } from '../domain/notices';
import { approvalsLink } from './emails';
import type { OutgoingEmail } from './mailer';

export const APPLICATION_ROLE_SUBJECTS: Record<RequesterNotice, string> = {
  GRANTED: 'IACS Application Role Request Approved',
  DENIED: 'IACS Application Role Request Denied',
  CANCELLED: 'IACS Application Role Request Cancelled',
  EXPIRED: 'IACS Application Role Request Expired',
};

const ROLE_NAMES: Record<ApplicationRole, string> = {
  APPLICATION_APPROVER: 'Application Approver',
  APPLICATION_USER: 'Application User',
};

export function applicationRoleOutcome(
  to: string,
  request: { notice: RequesterNotice; role: ApplicationRole; applicationName: string; trackingNumber?: string; reason?: string },
): OutgoingEmail {
  const what = `your request for the ${ROLE_NAMES[request.role]} role in ${request.applicationName}`;
  const outcome: Record<RequesterNotice, string> = {
    GRANTED: `${what} was approved: the role has been added to your account.`,
    DENIED: `${what} was denied.`,
    CANCELLED: `${what} was cancelled at your request.`,
    EXPIRED: `${what} was not decided in time and has expired.`,
  };
  const lines = [
    outcome[request.notice].replace(/^y/, 'Y'),
    request.trackingNumber ? `Tracking number: ${request.trackingNumber}` : undefined,
    request.reason ? `Reason: ${request.reason}` : undefined,
  ];
  return { to, subject: APPLICATION_ROLE_SUBJECTS[request.notice], text: lines.filter(Boolean).join('\n\n') };
}

const APPROVER_SUBJECTS: Record<ApproverNotice, string> = {
  ARRIVAL: 'IACS – An Application Role Request Awaits Your Decision',
  REMINDER: 'IACS Reminder – An Application Role Request Awaits Your Decision',
  ESCALATION: 'IACS Escalation – An Application Role Request Now Awaits Your Decision',
};

export function applicationRoleApproverNotice(
  to: string,
  notice: ApproverNotice,
  trackingNumber: string,
  consoleUrl?: string,
): OutgoingEmail {
  return {
    to,
    subject: APPROVER_SUBJECTS[notice],
    text: `Application role request ${trackingNumber} is waiting for a decision.\n\n${approvalsLink(consoleUrl)}`,
  };
}
