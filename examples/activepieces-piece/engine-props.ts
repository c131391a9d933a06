/**
 * What the Activepieces engine does to a step's props before the piece's `run` sees them, as a function, so that the
 * piece's tests and `run.ts` hand it props as the engine delivers them rather than as they were typed.
 *
 * Read in github.com/activepieces/activepieces, `packages/server/engine/src/lib/` (the commit of each file read is
 * given; the files were read one by one from a stored index, not from one checkout of a release tag):
 * - `variables/props-resolver/props-resolver.ts` @0e15e8c7: `resolve` applies `resolveInputAsync` to every string
 *   of the step's input at any depth (`applyFunctionToValues`), whatever the prop's type. A string that is exactly
 *   one token (`tokens[0].token === input`) becomes the token's value, of any type; otherwise each token is replaced
 *   in the text by its value (a string as is, anything else `JSON.stringify`-ed). Token text is trimmed.
 * - `variables/props-resolver/token-resolver.ts` @0e15e8c7: `variables…` and `connections…` tokens go to the server;
 *   any other is `evalStepToken`: a plain property path (`property-path.ts` @0de33e14, parsed with jsep) is read from
 *   the step's view, anything else runs as a script in the code sandbox. A throw is logged and gives `''`; `null`
 *   and `undefined` give `''` too (`?? ''`). A value a token gives is not searched again.
 * - `variables/props-resolver/script-session.ts` and `helpers.ts` @0e15e8c7: the scope is one entry per step whose
 *   name appears in the input, each the step's view; `handler/context/flow-execution-context.ts` @01439a03
 *   (`extractStepView`) makes that view `{ output, error }` for every step, the trigger included — so mapped data is
 *   `{{step_1.output.x}}` and `{{trigger.output.body.x}}`; `{{step_1.body}}` names nothing and gives `''`.
 * - `core/code/code-sandbox.ts` @a217d801: `UNSANDBOXED` and `SANDBOX_PROCESS` use `no-op-code-sandbox.ts`
 *   @0264b356, which runs `Function(...scope, 'return (' + script + ')')` — the token as an expression;
 *   `SANDBOX_CODE_ONLY` and `SANDBOX_CODE_AND_PROCESS` use `v8-isolate-code-sandbox.ts` @19e5d022, which compiles
 *   the token as a script (statements: `resolve:` and `secretsmanager:` parse as labels) over a JSON copy of the
 *   scope. Either way a braced secret reference throws (a SyntaxError or a ReferenceError) and becomes `''`.
 * - `variables/props-processor.ts` @07017f72 and `variables/processors/*.ts`: see engine-processors.ts.
 * - `handler/piece-executor.ts` @014e63de: `context.auth` and `context.propsValue.auth` are both
 *   `processedInput.auth`, the connection value as the server stored it (its `{{…}}` are not evaluated).
 *
 * Not modelled: `variables…` and `connections…` tokens in props (they call the server), formulas
 * (`ap-formula-v1::…`), `flattenNestedKeys`, loops, and a failed step's `error` (always `undefined` here).
 */
import { runInNewContext } from 'node:vm';
import type { InputPropertyMap } from '@activepieces/pieces-framework';
import { type JsonTextHandling, processProps } from './engine-processors.js';

/** How the engine runs a token that is not a plain property path (`AP_EXECUTION_MODE`). */
export type SandboxMode = 'unsandboxed' | 'isolate';

/** The flow data a step's props are computed from. */
export interface EngineScope {
  /** The output of each earlier step, by step name (the trigger is `trigger`), as the step returned it. */
  steps?: Record<string, unknown>;
  /** `unsandboxed` (no-op sandbox, the default) or `isolate` (V8 isolate): they fail the same tokens. */
  mode?: SandboxMode;
  /** What the JSON processor makes of text that is not JSON: `undefined` (the default) or the text as it is. */
  jsonText?: JsonTextHandling;
}

/** What a step's `run` receives, as far as props go. */
export interface DeliveredStep<Auth> {
  /** `context.propsValue`: every prop typed into the step, resolved and processed, and `auth`. */
  propsValue: Record<string, unknown>;
  /** `context.auth`: the connection value as stored. */
  auth: Auth;
}

/**
 * Thrown where the engine fails a step before its `run` is called: a prop that the validators reject (a required
 * JSON prop left empty, a list that is not a list…). The message is the engine's JSON of errors by prop.
 */
export class EngineValidationError extends Error {
  override name = 'EngineValidationError';
}

/**
 * Props as the engine hands them to a piece's `run`: tokens resolved over the step outputs, then the processors
 * and validators of each prop's type, with the connection as `auth`.
 * @example
 *   deliverProps(sendRequest.props, { url: 'https://api.example.com/orders/{{trigger.output.body.id}}' },
 *     connection, { steps: { trigger: { body: { id: 42 } } } });
 *   // { propsValue: { url: 'https://api.example.com/orders/42', auth: connection }, auth: connection }
 */
export function deliverProps<Auth>(
  props: InputPropertyMap,
  typed: Record<string, unknown>,
  connection: Auth,
  scope: EngineScope = {},
): DeliveredStep<Auth> {
  const resolved = resolveProps(typed, scope) as Record<string, unknown>;
  const { processed, errors } = processProps(resolved, props, scope.jsonText);
  if (Object.keys(errors).length > 0) throw new EngineValidationError(JSON.stringify(errors, null, 2));
  return { propsValue: { ...processed, auth: connection }, auth: connection };
}

/**
 * The props resolver alone: every `{{…}}` in every string evaluated, `''` where that fails or gives nothing.
 * @example
 *   resolveProps({ headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } });
 *   // { headers: { Authorization: 'Bearer ' } }
 */
export function resolveProps(typed: unknown, scope: EngineScope = {}): unknown {
  const steps = scope.steps ?? {};
  const views: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(steps)) views[name] = { output, error: undefined };
  const mode = scope.mode ?? 'unsandboxed';
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return resolveString(value, views, mode, typed);
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item)]));
    }
    return value;
  };
  return visit(typed);
}

interface Token {
  start: number;
  end: number;
  inner: string;
}

function resolveString(
  text: string,
  views: Record<string, unknown>,
  mode: SandboxMode,
  input: unknown,
): unknown {
  const tokens = findTokens(text);
  const [only] = tokens;
  if (tokens.length === 1 && only !== undefined && only.start === 0 && only.end === text.length) {
    return evaluate(only.inner.trim(), views, mode, input);
  }
  let out = '';
  let last = 0;
  for (const token of tokens) {
    const value = evaluate(token.inner.trim(), views, mode, input);
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

/** `a.b`, `a['b']`, `a[0]`: what jsep parses into a member chain of identifiers and literals. */
const PROPERTY_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\['[^'\\]*'\]|\["[^"\\]*"\])*$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['([^'\\]*)'\]|\["([^"\\]*)"\]/g;
const BLOCKED = new Set(['__proto__', 'constructor', 'prototype']);

function evaluate(
  expression: string,
  views: Record<string, unknown>,
  mode: SandboxMode,
  input: unknown,
): unknown {
  if (expression.startsWith('variables') || expression.startsWith('connections')) {
    throw new Error(`engine-props does not model server-side tokens: {{${expression}}}`);
  }
  try {
    if (PROPERTY_PATH.test(expression)) return readPath(expression, views) ?? '';
    // Only steps whose name appears in the step's input are in the script's scope.
    const inInput = JSON.stringify(input) ?? '';
    const scope = Object.fromEntries(Object.entries(views).filter(([name]) => inInput.includes(name)));
    const result =
      mode === 'isolate'
        ? runInNewContext(expression, JSON.parse(JSON.stringify(scope)) as Record<string, unknown>)
        : new Function(...Object.keys(scope), `return (${expression})`)(...Object.values(scope));
    return copyJson(result) ?? '';
  } catch {
    return ''; // the engine logs a warning and goes on with empty text
  }
}

function readPath(expression: string, views: Record<string, unknown>): unknown {
  const head = /^[A-Za-z_$][\w$]*/.exec(expression)?.[0] ?? '';
  if (!Object.hasOwn(views, head)) return '';
  let current: unknown = views[head];
  for (const match of expression.slice(head.length).matchAll(SEGMENT)) {
    const key = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
    if (BLOCKED.has(key)) return '';
    if (current === null || current === undefined) return undefined;
    current = Reflect.get(Object(current), key);
  }
  return copyJson(current);
}

/** The value as JSON would carry it: what the engine clones a path's value with, and what the isolate copies. */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}
