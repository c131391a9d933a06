#!/usr/bin/env node
// Prints vitest's JSON results (written in CI, see vitest.config.ts) as one plain closing line.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(new URL('../.tmp/vitest-results.json', import.meta.url), 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`vitest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
if (results.numTotalTests === 0) process.exitCode = 1;
