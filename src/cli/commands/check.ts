import { SecretRefError } from '../../errors.js';
import { findSecretRefs } from '../../resolve/find.js';
import { type CliCommand, withoutManager } from '../command.js';
import { FORMAT_OPTION, formatOption, lineAndColumn, readDocument } from '../input.js';
import { formatReportLines, formatSummary, type ReferenceReport, reportToJson } from '../report.js';

/** `secret-refs check [file]`: fetches every reference in a document and reports each, never a value. */
export const checkCommand: CliCommand = {
  name: 'check',
  argsUsage: '[file]',
  summary: 'Check every secret reference in a JSON or text file (or standard input); prints no value',
  details: `Reads the file (or standard input for "-" or no file), finds every reference, whole or embedded in a
longer string, and fetches the secrets they name (each secret once). Prints one line per reference:
where it is (a JSON path, or line:column in text), the reference, and "ok" or the error code and
reason. Exits 1 when any reference fails. With --offline, only the syntax is checked: no AWS call,
no credentials or region needed (for CI).`,
  options: {
    json: { type: 'boolean', description: 'Print the report as JSON' },
    format: FORMAT_OPTION,
    offline: { type: 'boolean', description: 'Check the syntax only: no AWS call, no credentials needed' },
  },
  minArgs: 0,
  maxArgs: 1,
  progress: 'checking references',
  async run({ io, values, args, getManager, explain, signal }) {
    const input = await readDocument(args[0], io, formatOption(values), signal);
    const found = findSecretRefs(input.value);
    const reports: ReferenceReport[] = found.map((item) => {
      const where =
        input.format === 'text'
          ? { path: item.path, at: lineAndColumn(input.value, item.start) }
          : { path: item.path };
      return item.error === undefined
        ? { ...where, ref: item.text, ok: true }
        : { ...where, ref: item.text, ok: false, code: item.error.code, message: item.error.message };
    });
    const fetchable = found.flatMap((item, index) =>
      item.ref === undefined ? [] : [{ ref: item.ref, index }],
    );
    if (fetchable.length > 0 && values.offline !== true) {
      const manager = await getManager();
      const results = await manager.getSecrets(
        fetchable.map((item) => withoutManager(item.ref)),
        { signal },
      );
      results.forEach((result, position) => {
        const report = reports[fetchable[position]?.index ?? -1];
        if (report === undefined || result.ok) return;
        report.ok = false;
        report.code = result.error instanceof SecretRefError ? result.error.code : 'provider_error';
        report.message = explain(result.error);
      });
    }
    const failed = reports.some((report) => !report.ok);
    const offline = values.offline === true;
    if (values.json === true) {
      const ok = reports.filter((report) => report.ok).length;
      const summary = { references: reports.length, ok, failed: reports.length - ok };
      const report = {
        ok: !failed,
        ...(offline ? { offline } : {}),
        summary,
        references: reports.map(reportToJson),
      };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const line of formatReportLines(reports)) io.stdout.write(`${line}\n`);
      io.stdout.write(`${formatSummary(reports)}${offline ? ' (syntax only, nothing fetched)' : ''}\n`);
    }
    return failed ? 1 : 0;
  },
};
