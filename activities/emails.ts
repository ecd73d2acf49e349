/** The texts of the emails the IACS guides describe; subjects exactly as DOMAIN.md gives them. */
import type { ApplicantNotice, ApproverNotice } from '../domain/notices';
import type { OutgoingEmail } from './mailer';

export const SUBJECTS = {
  emailVerification: 'Email Address Verification',
  submitted: 'IACS Registration Request Submitted – Tracking Number Enclosed',
  userId: 'FYI: User Creation Completed – Account ID Enclosed',
  password: 'FYI: User Creation Completed – Password Enclosed',
  roleAdded: 'FYI: Role Request Approved – Role Added to Your Account',
} as const;

export function emailVerification(to: string, code: string, validMinutes: number): OutgoingEmail {
  return {
    to,
    subject: SUBJECTS.emailVerification,
    text: `Your email verification code is ${code}.\n\nEnter it within ${validMinutes} minutes to continue your registration.`,
  };
}

export function submitted(to: string, trackingNumber: string): OutgoingEmail {
  return {
    to,
    subject: SUBJECTS.submitted,
    text: `Your registration request has been submitted.\n\nTracking number: ${trackingNumber}\n\nKeep this number for any question about your request.`,
  };
}

export function userIdEnclosed(to: string, userId: string): OutgoingEmail {
  return {
    to,
    subject: SUBJECTS.userId,
    text: `Your account has been created.\n\nUser ID: ${userId}\n\nYour password follows in a separate email.`,
  };
}

export function passwordEnclosed(to: string, password: string): OutgoingEmail {
  return {
    to,
    subject: SUBJECTS.password,
    text: `Your temporary one-time password: ${password}\n\nYou must change it when you first log in, then answer at least two authentication questions.`,
  };
}

const NOTICE_SUBJECTS: Record<ApplicantNotice, string> = {
  IDENTITY_REJECTED: 'IACS Registration – Identity Could Not Be Validated',
  EMAIL_VERIFICATION_EXPIRED: 'IACS Registration – Email Verification Expired',
  DENIED: 'IACS Registration – Request Denied',
  REJECTED: 'IACS Registration – Request Rejected',
  CANCELLED: 'IACS Registration – Request Cancelled',
  EXPIRED: 'IACS Registration – Request Expired',
};

export function applicantNotice(to: string, notice: ApplicantNotice, reason?: string): OutgoingEmail {
  return {
    to,
    subject: NOTICE_SUBJECTS[notice],
    text: reason ? `Your registration request ended.\n\nReason: ${reason}` : 'Your registration request ended.',
  };
}

export function roleAdded(to: string, role: string): OutgoingEmail {
  return {
    to,
    subject: SUBJECTS.roleAdded,
    text: `Your request for the role ${role.replaceAll('_', ' ').toLowerCase()} was approved and added to your account.\n\nLog in with your existing user ID and password.`,
  };
}

const APPROVER_SUBJECTS: Record<ApproverNotice, string> = {
  ARRIVAL: 'IACS – A Registration Request Awaits Your Decision',
  REMINDER: 'IACS Reminder – A Registration Request Awaits Your Decision',
  ESCALATION: 'IACS Escalation – A Registration Request Now Awaits Your Decision',
};

/** Where an approver decides: the console's approvals, when the service knows its public address. */
export function approvalsLink(consoleUrl: string | undefined): string {
  return consoleUrl ? `Log in and open your approvals to decide it: ${consoleUrl}` : 'Log in and open your approvals to decide it.';
}

export function approverNotice(to: string, notice: ApproverNotice, trackingNumber: string, consoleUrl?: string): OutgoingEmail {
  return {
    to,
    subject: APPROVER_SUBJECTS[notice],
    text: `Registration request ${trackingNumber} is waiting for a decision.\n\n${approvalsLink(consoleUrl)}`,
  };
}
