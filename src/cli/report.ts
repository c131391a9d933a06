import { formatPath, type SecretResolutionError } from '../errors.js';
import type { CliWritable } from './io.js';
import type { CliProblem } from './wording.js';

/** The outcome of one reference, as `check` reports it: where, which reference, ok or why not. Never a value. */
export interface ReferenceReport {
  path: (string | number)[];
  /** Where, when it is not a path: `line 3:12` in a text input. */
  at?: string;
  /** The reference text as written (only the `{{…}}` span, not the string around it). */
  ref: string;
  ok: boolean;
  code?: string;
  message?: string;
}

const MAX_COLUMN = 80;

/** One aligned line per reference: `path  reference  ok` or `path  reference  code: message`. */
export function formatReportLines(reports: readonly ReferenceReport[]): string[] {
  const rows = reports.map((report) => ({
    at: report.at ?? formatPath(report.path),
    ref: report.ref,
    status: report.ok ? 'ok' : `${report.code ?? 'failed'}: ${reason(report)}`,
  }));
  const atWidth = Math.min(MAX_COLUMN, Math.max(0, ...rows.map((row) => row.at.length)));
  const refWidth = Math.min(MAX_COLUMN, Math.max(0, ...rows.map((row) => row.ref.length)));
  return rows.map((row) => `${row.at.padEnd(atWidth)}  ${row.ref.padEnd(refWidth)}  ${row.status}`);
}

/**
 * Reports a failed resolve on `stderr`: `secret-refs: 2 references could not be resolved; <outcome>`, then one
 * indented line per failing reference (where, which reference, code and reason; never a value). `where` gives the
 * place shown instead of the JSON path (`line 3:12` in text, the variable's name for `run`).
 */
export function reportUnresolved(
  stderr: CliWritable,
  error: SecretResolutionError,
  options: {
    outcome: string;
    explain: (problem: CliProblem) => string;
    where?: (issue: SecretResolutionError['issues'][number]) => string;
  },
): void {
  const count = error.issues.length;
  stderr.write(`secret-refs: ${plural(count, 'reference')} could not be resolved; ${options.outcome}\n`);
  const { explain, where } = options;
  const lines = formatReportLines(
    error.issues.map((issue) => ({
      ...issue,
      message: explain(issue),
      ok: false,
      path: [...issue.path],
      at: where?.(issue),
    })),
  );
  for (const line of lines) stderr.write(`  ${line}\n`);
}

/** The JSON form of a report line, with the path both as segments and as text. */
export function reportToJson(report: ReferenceReport): Record<string, unknown> {
  return {
    path: report.path,
    at: report.at ?? formatPath(report.path),
    ref: report.ref,
    ok: report.ok,
    ...(report.ok ? {} : { code: report.code, message: report.message }),
  };
}

/** The message on one line, without a leading copy of the reference (the line shows it already). */
function reason(report: ReferenceReport): string {
  const message = (report.message ?? '').replace(/\s*\n\s*/g, ' ').trim();
  return message.startsWith(`${report.ref}: `) ? message.slice(report.ref.length + 2) : message;
}

/** `1 reference`, `2 references`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
