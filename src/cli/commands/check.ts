import { SecretRefError } from '../../errors.js';
import { findSecretRefs } from '../../resolve/find.js';
import type { CliCommand } from '../command.js';
import { readJsonInput } from '../input.js';
import { withoutManager } from '../refs.js';
import { formatReportLines, formatSummary, type ReferenceReport, reportToJson } from '../report.js';

/** `secret-refs check [file]`: fetches every reference in a JSON document and reports each, never a value. */
export const checkCommand: CliCommand = {
  name: 'check',
  argsUsage: '[file]',
  summary: 'Check every secret reference in a JSON file (or standard input); prints no value',
  details: `Reads the file (or standard input for "-" or no file), finds every reference, whole or embedded in a
longer string, and fetches the secrets they name (each secret once). Prints one line per reference:
where it is, the reference, and "ok" or the error code and reason. Exits 1 when any reference fails.`,
  options: {
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  minArgs: 0,
  maxArgs: 1,
  async run({ io, values, args, getManager, signal }) {
    const { value } = await readJsonInput(args[0], io);
    const found = findSecretRefs(value);
    const reports: ReferenceReport[] = found.map((item) =>
      item.error === undefined
        ? { path: item.path, ref: item.text, ok: true }
        : { path: item.path, ref: item.text, ok: false, code: item.error.code, message: item.error.message },
    );
    const fetchable = found.flatMap((item, index) =>
      item.ref === undefined ? [] : [{ ref: item.ref, index }],
    );
    if (fetchable.length > 0) {
      const manager = await getManager();
      const results = await manager.getSecrets(
        fetchable.map((item) => withoutManager(item.ref)),
        signal === undefined ? {} : { signal },
      );
      results.forEach((result, position) => {
        const report = reports[fetchable[position]?.index ?? -1];
        if (report === undefined || result.ok) return;
        report.ok = false;
        report.code = result.error instanceof SecretRefError ? result.error.code : 'provider_error';
        report.message = result.error.message;
      });
    }
    const failed = reports.some((report) => !report.ok);
    if (values.json === true) {
      const ok = reports.filter((report) => report.ok).length;
      const summary = { references: reports.length, ok, failed: reports.length - ok };
      io.stdout.write(
        `${JSON.stringify({ ok: !failed, summary, references: reports.map(reportToJson) }, null, 2)}\n`,
      );
    } else {
      for (const line of formatReportLines(reports)) io.stdout.write(`${line}\n`);
      io.stdout.write(`${formatSummary(reports)}\n`);
    }
    return failed ? 1 : 0;
  },
};
