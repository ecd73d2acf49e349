/** Organization search (step 7 of the guides): approved organizations only, by part of the name. */
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
  const filter: Record<string, unknown> = {};
  if (query.name) filter.name = { $regex: escapeRegExp(query.name), $options: 'i' };
  if (query.country) filter.country = query.country;
  if (query.state) filter.state = query.state;
  return approvedOrganizations(filter);
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
