/** What the charts tell people: the applicant or requester of a request, and its approvers. */

/** What a registration's applicant is told when it ends without an account. */
export type ApplicantNotice = 'IDENTITY_REJECTED' | 'EMAIL_VERIFICATION_EXPIRED' | 'DENIED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';

/** What an application-role request's requester is told when it ends. */
export type RequesterNotice = 'GRANTED' | 'DENIED' | 'CANCELLED' | 'EXPIRED';

/** What the approvers of either kind of request are told: it arrived for them, a reminder, or that it now reaches them too. */
export type ApproverNotice = 'ARRIVAL' | 'REMINDER' | 'ESCALATION';
