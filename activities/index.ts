/** Every activity the worker runs, from one set of dependencies: the worker and the workflow tests build them here. */
import { createApplicationRoleActivities } from './application-role-activities';
import { createRegistrationActivities, type ActivityDeps } from './registration-activities';

export type { ActivityDeps } from './registration-activities';

export function createActivities(deps: ActivityDeps) {
  return { ...createRegistrationActivities(deps), ...createApplicationRoleActivities(deps) };
}
