/** The updates of the baseline workflow, shared by the workflow and its client (they mirror a registration's four). */
import { defineUpdate } from '@temporalio/workflow';

export const BASELINE_WORKFLOW = 'baselineWorkflow';

/** Each answers how many activities the workflow has run so far. */
export const verifyUpdate = defineUpdate<number>('verify');
export const detailsUpdate = defineUpdate<number>('details');
export const submitUpdate = defineUpdate<number>('submit');
export const decideUpdate = defineUpdate<number>('decide');

/** Activities of one baseline workflow: 4 at start, then 2 + 2 + 3 + 2 in the updates (a registration's 13). */
export const BASELINE_ACTIVITIES = 13;
/** The one short timer. */
export const BASELINE_TIMER_MS = 50;
