/** Organization search (step 7 of the guides): approved organizations only, by part of the name, in a country and state. */
import { Router } from 'express';
import { organizationSearchSchema } from '../domain/schemas';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { guard, type GuardDeps } from './guard';
import { parse } from './problem';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface FoundOrganization {
  id: string;
  name: string;
  country: string;
  state: string;
  userGroups: { id: string; name: string; kind: string }[];
}

/** Approved organizations matching a filter (at most 50, by name), each with its user groups. */
async function approvedOrganizations(filter: Record<string, unknown>): Promise<FoundOrganization[]> {
  const organizations = await OrganizationModel.find({ ...filter, status: 'APPROVED' })
    .sort({ name: 1 })
    .limit(50)
    .lean();
  const groups = await UserGroupModel.find({ organizationId: { $in: organizations.map((o) => String(o._id)) } }).lean();
  return organizations.map((o) => ({
    id: String(o._id),
    name: o.name,
    country: o.country,
    state: o.state,
    userGroups: groups.filter((g) => g.organizationId === String(o._id)).map((g) => ({ id: String(g._id), name: g.name, kind: g.kind })),
  }));
}

/** The search of `GET /organizations` (JSON route and console alike): the query checked with `organizationSearchSchema`. */
export async function searchOrganizations(input: unknown, errorPrefix = ''): Promise<FoundOrganization[]> {
  const query = parse(organizationSearchSchema, input, 'search', errorPrefix);
  // Part of the name, the country and the state: all three are asked (step 7 of the guides).
  return approvedOrganizations({ name: { $regex: escapeRegExp(query.name), $options: 'i' }, country: query.country, state: query.state });
}

/** One approved organization by its id (the one a form already chose), as the search shows it. */
export async function approvedOrganization(id: string): Promise<FoundOrganization | undefined> {
  if (!/^[a-f0-9]{24}$/.test(id)) return undefined;
  return (await approvedOrganizations({ _id: id }))[0];
}

export function organizationRoutes(deps: GuardDeps): Router {
  const router = Router();
  router.get('/organizations', guard('organization:search', deps), async (req, res) => {
    res.json(await searchOrganizations(req.query));
  });
  return router;
}
