/** Prints Vitest's JSON results as the plain closing line CI reads: `vitest: N passed, N failed, N skipped`. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const resultsSchema = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
});

const file = process.argv[2] ?? '.data/test-results.json';
const results = resultsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
process.stdout.write(
  `vitest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
);
