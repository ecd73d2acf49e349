/**
 * `npm run charts`: draws both charts (machines/registration.ts, machines/application-role.ts)
 * as Mermaid under docs/charts/ and into the README between its chart markers.
 * `npm run charts -- --check` changes nothing and exits 1 when a drawing is out of date.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { applicationRoleMachine } from '../machines/application-role';
import { registrationMachine } from '../machines/registration';
import { mermaidStateDiagram } from './chart-diagram';

const ROOT = join(__dirname, '..');

export const CHARTS: readonly { name: string; title: string; machine: AnyStateMachine }[] = [
  { name: 'registration', title: 'Registration (machines/registration.ts)', machine: registrationMachine },
  { name: 'application-role', title: 'Application-role request (machines/application-role.ts)', machine: applicationRoleMachine },
];

export const chartFile = (name: string) => join(ROOT, 'docs', 'charts', `${name}.mmd`);
export const README = join(ROOT, 'README.md');

const marker = (name: string, end: boolean) => `<!-- chart:${name}:${end ? 'end' : 'start'} (npm run charts) -->`;

/** The README with each chart's block replaced by its drawing now. */
export function readmeWithCharts(readme: string): string {
  let out = readme;
  for (const { name } of CHARTS) {
    const start = marker(name, false);
    const end = marker(name, true);
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
    out = `${out.slice(0, from + start.length)}\n\`\`\`mermaid\n${drawing(name)}\`\`\`\n${out.slice(to)}`;
  }
  return out;
}

export function drawing(name: string): string {
  const chart = CHARTS.find((c) => c.name === name);
  if (!chart) throw new Error(`no chart ${name}`);
  return mermaidStateDiagram(chart.machine);
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  mkdirSync(join(ROOT, 'docs', 'charts'), { recursive: true });
  for (const { name } of CHARTS) {
    const file = chartFile(name);
    const now = drawing(name);
    let before = '';
    try {
      before = readFileSync(file, 'utf8');
    } catch {
      // not drawn yet
    }
    if (before === now) continue;
    stale.push(file);
    if (!check) writeFileSync(file, now);
  }
  const readme = readFileSync(README, 'utf8');
  const updated = readmeWithCharts(readme);
  if (updated !== readme) {
    stale.push(README);
    if (!check) writeFileSync(README, updated);
  }
  for (const file of stale) process.stdout.write(`${check ? 'out of date' : 'drawn'}: ${file}\n`);
  if (check && stale.length > 0) process.exit(1);
}

if (require.main === module) main();
