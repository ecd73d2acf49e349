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
