/**
 * Patch ids (`patched()`): a workflow started before a patch replays its old command order; one
 * started after takes the new one. Histories of both are kept as replay fixtures under
 * test/fixtures/histories.
 */

/**
 * From this patch on, a workflow writes its public view to the read model (a local activity)
 * before it answers a message, runs the short effects an answer waits for as local activities,
 * and sends notices after the answer. Before it: every effect a regular activity, in turn.
 */
export const READ_MODEL_PATCH = 'read-model';

/**
 * From this patch on, an application-role request follows the one answer rule of
 * workflows/chart-runner.ts (effects the answer does not need run after it) and runs its approval
 * clock as background work, as registrations do. Before it: the decision was recorded and answered
 * and all its effects ran next in line, awaited one by one.
 */
export const ONE_ANSWER_RULE_PATCH = 'one-answer-rule';

/**
 * From this patch on, the approvers of a request are told when it arrives in their queue (the
 * charts' `notifyApprovers` with notice ARRIVAL, as background work beside the messages).
 * Requests started before it replay their submission without that notice.
 */
export const ARRIVAL_NOTICE_PATCH = 'arrival-notice';

/**
 * From this patch on, a request keeps its search attributes (TrackingNumber, RegistrationStatus,
 * RegistrationRole, OrganizationId, RequestKind) up to date at every recorded change, and its
 * current details for the Web UI (workflows/operator-view.ts).
 */
export const SEARCH_ATTRIBUTES_PATCH = 'search-attributes';
