/** Organization search (step 7 of the guides): approved organizations only, by part of the name, in a country and state. */
import { Router } from 'express';
import { organizationSearchSchema } from '../domain/schemas';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { guard, type GuardDeps } from './guard';
import { parse } from './problem';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function organizationRoutes(deps: GuardDeps): Router {
  const router = Router();
  router.get('/organizations', guard('organization:search', deps), async (req, res) => {
    const query = parse(organizationSearchSchema, req.query, 'search');
    const filter = {
      status: 'APPROVED' as const,
      name: { $regex: escapeRegExp(query.name), $options: 'i' },
      country: query.country,
      state: query.state,
    };
    const organizations = await OrganizationModel.find(filter).sort({ name: 1 }).limit(50).lean();
    const groups = await UserGroupModel.find({ organizationId: { $in: organizations.map((o) => String(o._id)) } }).lean();
    res.json(
      organizations.map((o) => ({
        id: String(o._id),
        name: o.name,
        country: o.country,
        state: o.state,
        userGroups: groups
          .filter((g) => g.organizationId === String(o._id))
          .map((g) => ({ id: String(g._id), name: g.name, kind: g.kind })),
      })),
    );
  });
  return router;
}
