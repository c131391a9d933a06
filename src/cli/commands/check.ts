import { SecretRefError } from '../../errors.js';
import { findSecretRefs } from '../../resolve/find.js';
import { type CliCommand, withoutManager } from '../command.js';
import { lineAndColumn, readDocument } from '../input.js';
import { choiceValue, FORMAT_OPTION } from '../options.js';
import { formatReportLines, plural, type ReferenceReport, reportToJson } from '../report.js';

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
    const input = await readDocument(args[0], io, choiceValue(values, 'format', ['json', 'text']), signal);
    const offline = values.offline === true;
    const found = findSecretRefs(input.value);
    const reports: ReferenceReport[] = found.map((item) => ({
      path: item.path,
      at: input.format === 'text' ? lineAndColumn(input.value, item.start) : undefined,
      ref: item.text,
      ok: item.error === undefined,
      code: item.error?.code,
      message: item.error?.message,
    }));
    const fetched = found.flatMap((item, index) =>
      item.ref === undefined ? [] : [{ ref: withoutManager(item.ref), report: reports[index] }],
    );
    if (fetched.length > 0 && !offline) {
      const results = await (await getManager()).getSecrets(
        fetched.map((item) => item.ref),
        { signal },
      );
      results.forEach((result, index) => {
        const report = fetched[index]?.report;
        if (report === undefined || result.ok) return;
        report.ok = false;
        report.code = result.error instanceof SecretRefError ? result.error.code : 'provider_error';
        report.message = explain(result.error);
      });
    }
    const ok = reports.filter((report) => report.ok).length;
    const failed = ok < reports.length;
    if (values.json === true) {
      const report = {
        ok: !failed,
        ...(offline ? { offline } : {}),
        summary: { references: reports.length, ok, failed: reports.length - ok },
        references: reports.map(reportToJson),
      };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const line of formatReportLines(reports)) io.stdout.write(`${line}\n`);
      const summary = `${plural(reports.length, 'reference')}, ${ok} ok, ${reports.length - ok} failed`;
      io.stdout.write(`${summary}${offline ? ' (syntax only, nothing fetched)' : ''}\n`);
    }
    return failed ? 1 : 0;
  },
};
