/** What every chart has the same way: its effects' (empty) implementation and its status tags. */

/**
 * What a chart's effects do inside the chart: nothing, on purpose. A chart names its effects in
 * `setup({ actions })`; the workflow that interprets it performs them (workflows/chart-runner.ts).
 */
export const effect = (): undefined => undefined;

/** The public status of a snapshot: every state of a chart carries exactly one status tag. */
export function statusTagOf<S extends string>(statuses: readonly S[], snapshot: { hasTag(tag: S): boolean; value: unknown }): S {
  const status = statuses.find((s) => snapshot.hasTag(s));
  if (status === undefined) throw new Error(`state ${JSON.stringify(snapshot.value)} has no status tag`);
  return status;
}
