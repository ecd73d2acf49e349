import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { CHARTS, README, chartFile, drawing, readmeWithCharts } from '../../scripts/charts';

const statesOf = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states).flatMap((child) => [child, ...statesOf(child)]);

describe('the charts, drawn (npm run charts)', () => {
  it.each(CHARTS.map((c) => c.name))('docs/charts/%s.mmd is what the command draws now', (name) => {
    expect(readFileSync(chartFile(name), 'utf8'), 'out of date: run `npm run charts` and commit').toBe(drawing(name));
  });

  it('the README shows the drawings as they are now', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme, 'out of date: run `npm run charts` and commit').toBe(readmeWithCharts(readme));
  });

  it.each(CHARTS)('$name: every state and every status tag of the machine is drawn', ({ machine, name }) => {
    const text = drawing(name);
    for (const state of statesOf(machine.root)) {
      expect(text).toContain(` as ${state.path.join('_')}`);
      for (const tag of state.tags) expect(text).toContain(tag);
    }
  });
});
