import type { SecretEvent, SecretRequest } from '../events.js';
import type { CliWritable } from './io.js';
import { plural } from './report.js';

/**
 * What `--verbose` prints on stderr, from the manager's events: a line per AWS call as it ends, where the
 * credentials came from (`credentials`, once per description), and the cache's hits and misses (`finish`).
 * Events hold names, counts and metadata only, so nothing here can print a value, a secret string or a credential.
 */
export function createVerboseLog(stderr: CliWritable) {
  let hits = 0;
  let misses = 0;
  let calls = 0;
  const told = new Set<string>();
  return {
    onEvent(event: SecretEvent): void {
      if (event.type === 'hit') hits += 1;
      else if (event.type === 'miss' && event.tier === 'memory') misses += 1;
      else if (event.type === 'request' && event.request !== undefined) {
        calls += 1;
        stderr.write(`secret-refs: ${formatRequest(event.request, event.durationMs)}\n`);
      }
    },
    credentials(description: string): void {
      if (told.has(description)) return;
      told.add(description);
      stderr.write(`secret-refs: credentials: ${description}\n`);
    },
    finish(): void {
      const aws = plural(calls, 'AWS call');
      stderr.write(
        `secret-refs: cache: ${plural(hits, 'hit')}, ${plural(misses, 'miss', 'misses')}; ${aws}\n`,
      );
    },
  };
}

/**
 * One AWS call on one line: `secretsmanager BatchGetSecretValue (3 ids) eu-west-1 secretsmanager.eu-west-1.amazonaws.com:
 * HTTP 200, request 5c1f…, 1 attempt, 42 ms`.
 */
function formatRequest(request: SecretRequest, durationMs: number | undefined): string {
  const ids = request.ids === undefined ? '' : ` (${plural(request.ids, 'id')})`;
  const where = [request.region, request.host].filter((part) => part !== undefined).join(' ');
  const outcome = [
    request.error === undefined ? undefined : `failed (${request.error})`,
    request.status === undefined ? 'no answer' : `HTTP ${request.status}`,
    request.requestId === undefined ? undefined : `request ${request.requestId}`,
    request.attempts === undefined ? undefined : plural(request.attempts, 'attempt'),
    durationMs === undefined ? undefined : `${Math.round(durationMs)} ms`,
  ].filter((part) => part !== undefined);
  return `${request.service} ${request.action}${ids}${where === '' ? '' : ` ${where}`}: ${outcome.join(', ')}`;
}
