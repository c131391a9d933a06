/**
 * What the Activepieces engine does to a step's props before the piece's `run` sees them, as a function, so that the
 * piece's tests and `run.ts` hand it props as the engine delivers them rather than as they were typed.
 *
 * Read in the Activepieces source (github.com/activepieces/activepieces):
 * - `packages/server/engine/src/lib/variables/props-resolver/props-resolver.ts`: `createPropsResolver().resolve`
 *   applies `resolveInputAsync` to every string of the step's input at any depth (`applyFunctionToValues`), whatever
 *   the prop's type — text, object, JSON, array items, dynamic props. Tokens are found by `extractMustacheTokens`
 *   (brace counting; older engines, `packages/engine/src/lib/variables/props-resolver.ts`, use the regular
 *   expression `\{\{(.*?)\}\}`). A string that is exactly one token becomes the token's value, of any type; otherwise
 *   each token is replaced in the text by its value (a string as is, anything else JSON-encoded).
 * - `token-resolver.ts`: `resolveSingleToken` sends `variables…` and `connections…` tokens to the server and
 *   evaluates any other one over the flow's step outputs (`evalStepToken`: a property path, else a script; older
 *   engines: `evalInScope`). When evaluation throws, it logs `console.warn` and gives `''`; `null` and `undefined`
 *   also give `''`. The value a token gives is not searched again.
 * - `props-processor.ts` runs the type processors and validators only after this: `''` passes a required text prop.
 *
 * So `{{resolve:secretsmanager:prod/api:SecretString:token}}` or `{{conn1|ap_sep_v1|prod/api:token}}` typed into any
 * prop is evaluated as code, throws, and reaches the piece as `''` (`Bearer {{…}}` as `Bearer `), while the bare form
 * `prod/api:token` and a full ARN hold no `{{` and pass untouched. A braced reference does reach the piece inside a
 * value that a token gives (a previous step's output mapped with `{{step_1.body}}`), because that value is not
 * searched again. Here a token is evaluated as a JavaScript expression over `steps`, like the engine's unsandboxed
 * mode; `connections…` and `variables…` tokens, and formula strings (`ap-formula-v1::{…}`, which newer engines send
 * to `formulaEvaluator` instead), are not modelled.
 */

/** A `{{…}}` token found in a string: where it starts and ends, and the text between its braces. */
interface Token {
  start: number;
  end: number;
  inner: string;
}

/**
 * Props as the Activepieces engine hands them to a piece: every `{{…}}` token in every string evaluated over the
 * step outputs in `steps`, and `''` where evaluation fails.
 * @example
 *   deliverProps({ headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } });
 *   // { headers: { Authorization: 'Bearer ' } }
 *   deliverProps({ value: '{{step_1.body}}' }, { step_1: { body: { token: '{{resolve:secretsmanager:prod/api}}' } } });
 *   // { value: { token: '{{resolve:secretsmanager:prod/api}}' } }
 */
export function deliverProps<T>(props: T, steps: Record<string, unknown> = {}): T {
  return resolveValue(props, steps) as T;
}

function resolveValue(value: unknown, steps: Record<string, unknown>): unknown {
  if (typeof value === 'string') return resolveString(value, steps);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, steps));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, steps)]));
  }
  return value;
}

function resolveString(text: string, steps: Record<string, unknown>): unknown {
  const tokens = findTokens(text);
  const [only] = tokens;
  if (tokens.length === 1 && only !== undefined && only.start === 0 && only.end === text.length) {
    return evaluate(only.inner, steps);
  }
  let out = '';
  let last = 0;
  for (const token of tokens) {
    const value = evaluate(token.inner, steps);
    out += text.slice(last, token.start) + (typeof value === 'string' ? value : JSON.stringify(value));
    last = token.end;
  }
  return out + text.slice(last);
}

/** Tokens as the engine counts them: `{{` opens (nested ones too), `}}` closes; an unclosed `{{` is plain text. */
function findTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length - 1) {
    if (!text.startsWith('{{', at)) {
      at += 1;
      continue;
    }
    const start = at;
    let depth = 1;
    at += 2;
    while (depth > 0 && at < text.length - 1) {
      if (text.startsWith('{{', at)) {
        depth += 1;
        at += 2;
      } else if (text.startsWith('}}', at)) {
        depth -= 1;
        at += 2;
      } else {
        at += 1;
      }
    }
    if (depth === 0) tokens.push({ start, end: at, inner: text.slice(start + 2, at - 2) });
  }
  return tokens;
}

/** The engine's evaluation of one token: an expression over the step outputs; `''` when it throws or gives nothing. */
function evaluate(expression: string, steps: Record<string, unknown>): unknown {
  try {
    const names = Object.keys(steps);
    const run = new Function(...names, `return (${expression.trim()});`) as (...args: unknown[]) => unknown;
    return run(...Object.values(steps)) ?? '';
  } catch {
    return '';
  }
}
