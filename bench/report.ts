import { cpus } from 'node:os';

/** One line of the results table; figures are preformatted text, `ratio` is ours ÷ Powertools. */
export interface Row {
  scenario: string;
  measure: string;
  ours: string;
  powertools: string;
  ratio: string;
  /** What the fourth column holds when it is not Powertools (`without the tier`): such rows get a table of their own. */
  versus?: string;
}

/** One target of the benchmark and whether it was met. */
export interface Target {
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
}

/** What a scenario contributes to the report. */
export interface ScenarioResult {
  rows: Row[];
  targets: Target[];
  notes?: string[];
}

/**
 * Ours ÷ Powertools as text (`0.42×`), or `—` when either is missing or zero.
 * @example
 *   ratio(10, 100); // '0.10×'
 */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || theirs === 0) return '—';
  const value = ours / theirs;
  return `${value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3)}×`;
}

/**
 * A number with a unit, rounded for reading.
 * @example
 *   figure(1234.5, 'ns'); // '1,235 ns'
 */
export function figure(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
}

function markdownTable(header: string[], lines: string[][]): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  const cells = [header, ...lines].map((line) => line.map(escapeCell));
  const width = (cell: string) => [...cell].length;
  const widths = header.map((_, i) => Math.max(3, ...cells.map((line) => width(line[i]!))));
  const format = (line: string[]) =>
    `| ${line.map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell))).join(' | ')} |`;
  return [format(cells[0]!), format(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(format)].join(
    '\n',
  );
}

function textTable(header: string[], lines: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => line[i]!.length)));
  const format = (line: string[]) => line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

const rowHeader = (versus: string) => ['scenario', 'measure', 'secret-refs', versus, 'ratio'];

/** The rows in one table per comparison (Powertools first), each with its own column label. */
function rowTables(rows: readonly Row[], table: (header: string[], lines: string[][]) => string): string {
  const groups = new Map<string, Row[]>([['Powertools', []]]);
  for (const row of rows) {
    const versus = row.versus ?? 'Powertools';
    groups.set(versus, [...(groups.get(versus) ?? []), row]);
  }
  return [...groups]
    .filter(([, group]) => group.length > 0)
    .map(([versus, group]) => table(rowHeader(versus), group.map(rowCells)))
    .join('\n\n');
}
const TARGET_HEADER = ['target', 'goal', 'measured', 'result'];

const rowCells = (row: Row) => [row.scenario, row.measure, row.ours, row.powertools, row.ratio];
const targetCells = (target: Target) => [
  target.name,
  target.goal,
  target.measured,
  target.pass ? 'PASS' : 'MISS',
];

/** The machine the figures were taken on. */
export function machine(): { node: string; cpu: string; cores: number; date: string } {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    date: new Date().toISOString(),
  };
}

/**
 * The results as a terminal table.
 * @example
 *   console.log(renderText(results));
 */
export function renderText(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((result) => result.rows);
  const targets = results.flatMap((result) => result.targets);
  return `${rowTables(rows, textTable)}\n\n${textTable(TARGET_HEADER, targets.map(targetCells))}`;
}

/**
 * The content of BENCHMARKS.md: command, machine, date, the table and the targets.
 * @example
 *   await writeFile('BENCHMARKS.md', renderMarkdown(results, { latencyMs: 20 }));
 */
export function renderMarkdown(results: readonly ScenarioResult[], settings: { latencyMs: number }): string {
  const host = machine();
  const rows = results.flatMap((result) => result.rows);
  const targets = results.flatMap((result) => result.targets);
  const notes = results.flatMap((result) => result.notes ?? []);
  return `# Benchmarks

secret-refs against \`@aws-lambda-powertools/parameters\` (\`SecretsProvider\`), in one process, both libraries
sending through the **same** \`SecretsManagerClient\`. Its \`requestHandler\` is replaced by one that answers from
memory after a simulated latency (${settings.latencyMs} ms a call unless said otherwise), so every call still
goes through the whole SDK stack — serialisation, SigV4 signing, deserialisation — for both libraries alike.
API calls are counted at that handler.

- Command: \`npm run bench:write\` (\`npm run bench\` prints the same tables and writes nothing; \`BENCH_LATENCY_MS=<ms>\` changes the latency; \`BENCH_ONLY=warm\` runs one scenario)
- Machine: ${host.cpu}, ${host.cores} cores, Node ${host.node}
- Date: ${host.date}

## Results

${rowTables(rows, markdownTable)}

## Targets

${markdownTable(TARGET_HEADER, targets.map(targetCells))}

## Notes

${notes.map((note) => `- ${note}`).join('\n')}
`;
}
