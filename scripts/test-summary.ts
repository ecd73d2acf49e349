/** Prints Vitest's JSON results as the plain closing line CI reads: `vitest: N passed, N failed, N skipped`. */
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.data/test-results.json';
const results = JSON.parse(readFileSync(file, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
};
process.stdout.write(
  `vitest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
);
