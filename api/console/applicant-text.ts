/**
 * What the applicant's pages say about communities, roles and their terms (the guides, `000_*`
 * Table 1, `003_*`, `004_*`). Words only: which roles exist and what each must supply are the
 * API's (domain/roles.ts, domain/schemas.ts `DETAILS_FIELDS_BY_ROLE`).
 */
import type { Community, RegistrationRole } from '../../domain/roles';

export const COMMUNITY_TEXT: Record<Community, { label: string; hint: string }> = {
  PROVIDER_SUPPLIER: {
    label: 'Provider/Supplier Community',
    hint: 'You belong to the Medicare provider community: a provider or supplier organization, its staff, or a company working for it.',
  },
};

export const PRIVACY_ACT_STATEMENT = [
  'The information you give is collected under the authority of the Privacy Act of 1974 to identify you and to decide whether you may have access to CMS computer services.',
  'Your name, date of birth and Social Security Number are checked against the records of the Social Security Administration. Giving them is voluntary, but without them your request cannot be processed.',
  'Using CMS computer systems without authority, or beyond it, may be punished under federal law. Activity on these systems is monitored and recorded.',
];

export const ROLE_TEXT: Record<RegistrationRole, { label: string; hint: string }> = {
  SECURITY_OFFICIAL: {
    label: 'Security Official',
    hint: 'Registers your organization and is accountable for all of its users. Approved by the EUS Help Desk.',
  },
  BACKUP_SECURITY_OFFICIAL: {
    label: 'Backup Security Official',
    hint: "Helps the Security Official of an organization already registered. Approved by the organization's Security Official.",
  },
  USER_GROUP_ADMINISTRATOR: {
    label: 'User Group Administrator',
    hint: 'Creates and manages a provider or surrogate user group in an organization. Approved by its Security Official or a Backup Security Official.',
  },
  END_USER: {
    label: 'End User',
    hint: "Does Medicare business for an organization as a member of one of its user groups. Approved by the group's User Group Administrator.",
  },
  INDIVIDUAL_PRACTITIONER: {
    label: 'Individual Practitioner',
    hint: 'A practitioner who is not part of a group practice. Approved by the EUS Help Desk.',
  },
  REGISTRY_END_USER: {
    label: 'Registry End User',
    hint: "Works for a registry organization in one of its registry user groups. Approved by the group's User Group Administrator.",
  },
};

/** The role's terms and conditions, as the guides' step "Read the <role> – Terms and Conditions". */
export function roleTerms(role: RegistrationRole): string[] {
  const { label } = ROLE_TEXT[role];
  return [
    `As a ${label} you will use CMS computer services only for the business you are authorized to do, and only for as long as you are authorized to do it.`,
    'You will keep your user ID and password to yourself, and report at once to your Help Desk any use of them you did not make.',
    'You will protect the information you see, including information about Medicare beneficiaries, as the law and your organization require.',
  ];
}
