/** The baseline's activities: they do nothing, so the baseline measures Temporal alone. */
export function createBaselineActivities() {
  return {
    async noop(_step: string): Promise<void> {},
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
