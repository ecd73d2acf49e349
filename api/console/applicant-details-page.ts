/**
 * Steps 7 and 8 of the applicant's console: professional contact, the organization search and
 * choice (or a new organization, a new group), the justification — the fields the role asks for
 * (detailsShapeOf).
 */
import { PROVIDER_TYPES, USER_GROUP_KINDS } from '../../domain/roles';
import type { RegistrationView } from '../../workflows/messages';
import type { FoundOrganization } from '../organization-routes';
import { APPLY, detailsShapeOf, MEMBERSHIP } from './applicant-forms';
import { html, type Html } from './html';
import { csrfField, errorSummary, field, page, select, textArea, words, type ErrorsByField } from './layout';
import { personFacts } from './applicant-pages';

interface DetailsState {
  values: Record<string, string>;
  found: FoundOrganization[];
  searched: boolean;
  detail?: string;
  errors?: ErrorsByField;
}

/** The organization (and, for a member, its user group) to choose among those the search found. */
function organizationSelect(
  shape: ReturnType<typeof detailsShapeOf>,
  v: Record<string, string>,
  errors: ErrorsByField | undefined,
  organizations: FoundOrganization[],
): Html {
  const choiceHint = organizations.length === 0 ? 'Search first, then choose here.' : undefined;
  return shape.membership
    ? select({
        path: MEMBERSHIP,
        label: 'Organization and user group',
        hint: choiceHint,
        value: v[MEMBERSHIP],
        errors,
        options: [
          { value: '', label: organizations.length === 0 ? 'No organization found yet' : 'Choose your organization and user group' },
          ...organizations.flatMap((o) =>
            o.userGroups.map((g) => ({ value: `${o.id}/${g.id}`, label: `${o.name} (${o.state}, ${o.country}) – ${g.name}` })),
          ),
        ],
      })
    : select({
        path: 'organizationId',
        label: shape.organizationOptional ? 'Organization (if you practise within one)' : 'Organization',
        hint: choiceHint,
        value: v.organizationId,
        errors,
        options: [
          {
            value: '',
            label: shape.organizationOptional
              ? 'None'
              : organizations.length === 0
                ? 'No organization found yet'
                : 'Choose your organization',
          },
          ...organizations.map((o) => ({ value: o.id, label: `${o.name} (${o.state}, ${o.country})` })),
        ],
      });
}

/** Steps 7 and 8: professional contact, the organization search and choice (or a new organization, a new group), the justification. */
export function detailsPage(
  o: { csrf: string; view: RegistrationView; person?: { applicantName: string; email: string } },
  state: DetailsState,
): Html {
  const { view, person } = o;
  const shape = detailsShapeOf(view.role);
  const v = state.values;
  const errors = state.errors;
  const input = (path: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ path, label, value: v[path], errors, ...extra });
  const organizations = state.found;
  const organizationChoice = organizationSelect(shape, v, errors, organizations);
  return page(
    'Professional details',
    html`${errorSummary(state.detail, errors)}
      <h2>User information</h2>
      <p class="hint">Checked with the Social Security Administration; it can no longer be changed.</p>
      <dl>${personFacts(person, view.role)}</dl>
      <form method="post" action="${APPLY}/details" novalidate>
        ${csrfField(o.csrf)}
        <fieldset>
          <legend>Professional contact information</legend>
          ${input('contact.phone', 'Work phone', { type: 'tel', autocomplete: 'tel', required: true, autofocus: !state.searched && !errors })}
          ${input('contact.address.line1', 'Address', { autocomplete: 'address-line1', required: true })}
          ${input('contact.address.line2', 'Address, second line (optional)', { autocomplete: 'address-line2' })}
          ${input('contact.address.city', 'City', { autocomplete: 'address-level2', required: true })}
          ${input('contact.address.state', 'State or territory', { autocomplete: 'address-level1', required: true })}
          ${input('contact.address.postalCode', 'ZIP or postal code', { autocomplete: 'postal-code', required: true })}
          ${input('contact.address.country', 'Country', { hint: 'Two letters, for example US.', autocomplete: 'country', required: true })}
        </fieldset>
        ${
          shape.newOrganization
            ? html`<fieldset>
                <legend>Your organization (you register it)</legend>
                ${input('organization.name', 'Legal business name', { autocomplete: 'organization', required: true })}
                ${input('organization.country', 'Country', { hint: 'Two letters, for example US.', required: true })}
                ${input('organization.state', 'State or territory', { required: true })}
                ${select({
                  path: 'organization.providerType',
                  label: 'Provider type',
                  value: v['organization.providerType'],
                  errors,
                  required: true,
                  options: [{ value: '', label: 'Choose a provider type' }, ...PROVIDER_TYPES.map((t) => ({ value: t, label: words(t) }))],
                })}
              </fieldset>`
            : ''
        }
        ${
          shape.organizationSearch
            ? html`<fieldset>
                <legend>Organization search</legend>
                <p class="hint">All or part of the business name, and the country and state or territory of its address.</p>
                ${input('search.name', 'Business name, or part of it', { autofocus: state.searched && !errors })}
                ${input('search.country', 'Country', { hint: 'Two letters, for example US.' })}
                ${input('search.state', 'State or territory', { hint: 'For example MD.' })}
                <button type="submit" name="intent" value="search" class="secondary">Search</button>
                ${state.searched ? html`<p role="status">${organizations.length} organization${organizations.length === 1 ? '' : 's'} found.</p>` : ''}
                ${organizationChoice}
              </fieldset>`
            : ''
        }
        ${
          shape.newUserGroup
            ? html`<fieldset>
                <legend>Your user group (you create it)</legend>
                ${input('userGroup.name', 'User group name', { required: true })}
                ${select({
                  path: 'userGroup.kind',
                  label: 'Kind of group',
                  value: v['userGroup.kind'],
                  errors,
                  required: true,
                  hint: 'A surrogate group is an outside company (billing company, contractor) working for the organization.',
                  options: [{ value: '', label: 'Choose a kind' }, ...USER_GROUP_KINDS.map((k) => ({ value: k, label: words(k) }))],
                })}
              </fieldset>`
            : ''
        }
        ${textArea({ path: 'justification', label: 'Justification for action', hint: 'Why you need this access.', value: v.justification, errors, required: true })}
        <button type="submit" name="intent" value="next">Next</button>
      </form>
      <form method="post" action="${APPLY}/cancel">
        ${csrfField(o.csrf)}<button type="submit" class="secondary">Cancel my registration</button>
      </form>`,
  );
}
