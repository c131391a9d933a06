import { parseSecretRef, type SecretRef, SecretRefError, SecretRefSyntaxError } from 'secret-refs';

/**
 * What the engine did, said once in every error about a prop that arrived emptied. It names the possible causes
 * and does not guess among them: the props the piece receives no longer show which `{{…}}` it was.
 */
export const ENGINE_HINT =
  'Activepieces evaluated the {{…}} in the prop(s) marked above before the piece ran, and a token that gave ' +
  'nothing or failed left an empty text in its place. A token gives nothing when it names data that is not ' +
  'there: step data is {{step_1.output.…}} and trigger data {{trigger.output.…}}. A token fails when it is not ' +
  'an expression, as a braced secret reference is: type references in the bare form (prod/api:token, or the ' +
  'secret ARN) into a Secret reference field. Nothing was read or sent.';

/** One problem with the props a step received: which prop, and what is wrong with it (never its value). */
export interface PropProblem {
  prop: string;
  problem: string;
  /** The prop arrived empty or cut short, as the engine leaves one whose `{{…}}` it could not evaluate. */
  emptied?: boolean;
}

/**
 * Reads a secret reference typed into a prop in the bare form (`prod/api:token`, an ARN), or given by a mapped step
 * output in any form. Returns the reference, or the problem with it: arrived empty (the engine's doing) or not a
 * reference (the reason and offset, never the text, which might be a pasted secret).
 * @example
 *   readReference('prod/api:token', 'Secret headers[0].reference'); // { ref: { secretId: 'prod/api', jsonKey: 'token' } }
 *   readReference('', 'Secret headers[0].reference'); // { problem: { prop: …, problem: 'arrived empty …' } }
 */
export function readReference(value: unknown, prop: string): { ref: SecretRef } | { problem: PropProblem } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return {
      problem: { prop, problem: 'arrived empty where a secret reference was expected', emptied: true },
    };
  }
  if (typeof value !== 'string') {
    return {
      problem: { prop, problem: `must be text, not ${Array.isArray(value) ? 'an array' : typeof value}` },
    };
  }
  try {
    return { ref: parseSecretRef(value) };
  } catch (error) {
    if (!(error instanceof SecretRefSyntaxError)) throw error;
    return {
      problem: { prop, problem: `is not a secret reference (at offset ${error.offset}: ${error.reason})` },
    };
  }
}

/**
 * The problem with a plain (non-secret) text prop that arrived emptied by the engine: empty, or ending in white
 * space with nothing after it (`Bearer ` from `Bearer {{…}}`). `undefined` when it looks whole.
 * @example
 *   emptiedText('Bearer ', 'Headers.Authorization'); // { prop: 'Headers.Authorization', problem: 'ends in white space …' }
 */
export function emptiedText(value: unknown, prop: string): PropProblem | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return { prop, problem: `must be text, not ${typeof value}` };
  if (value.trim() === '') return { prop, problem: 'arrived empty', emptied: true };
  if (/\s$/.test(value)) return { prop, problem: 'ends in white space with nothing after it', emptied: true };
  if (/^\s/.test(value)) return { prop, problem: 'begins with white space', emptied: true };
  return undefined;
}

/**
 * Throws one `SecretRefError` (code `invalid_input`) listing every problem, with {@link ENGINE_HINT} when a prop
 * arrived emptied; does nothing when there is none. The step fails before any secret is read or request sent.
 * @example
 *   failOnProblems([{ prop: 'Headers.Authorization', problem: 'ends in white space with nothing after it' }]);
 */
export function failOnProblems(problems: readonly PropProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map(({ prop, problem }) => `✖ ${prop} ${problem}`);
  const emptied = problems.some((problem) => problem.emptied);
  const count = problems.length === 1 ? 'A prop' : `${problems.length} props`;
  throw new SecretRefError(
    'invalid_input',
    `${count} cannot be used:\n${lines.join('\n')}${emptied ? `\n${ENGINE_HINT}` : ''}`,
  );
}
