import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

const SECRETS = 5;
const refTo = (n: number): string => `{{resolve:secretsmanager:fuzz/s${n}:SecretString:k}}`;
const secretValue = (n: number): string => `value-${n}`;

/**
 * A manager over the memory provider holding the secrets that {@link jsonWithRefs} refers to.
 * @example
 *   const manager = fuzzManager();
 */
export function fuzzManager(): SecretManager {
  return createSecretManager(
    createMemoryProvider(
      Object.fromEntries(
        Array.from({ length: SECRETS }, (_, n) => [`fuzz/s${n}`, JSON.stringify({ k: secretValue(n) })]),
      ),
    ),
  );
}

function plainText(text: string): boolean {
  return !/[{}|]/.test(text);
}

/** Replaces some strings of a JSON value with references (whole or embedded); returns input and expected output. */
function withRefs(value: unknown): { input: unknown; expected: unknown } {
  if (typeof value === 'string') {
    const n = value.length % SECRETS;
    if (value.length % 4 === 0) return { input: refTo(n), expected: secretValue(n) };
    if (value.length % 4 === 1 && plainText(value)) {
      return { input: `${value}${refTo(n)}${value}`, expected: `${value}${secretValue(n)}${value}` };
    }
    return { input: value, expected: value };
  }
  if (Array.isArray(value)) {
    const pairs = value.map(withRefs);
    return { input: pairs.map((pair) => pair.input), expected: pairs.map((pair) => pair.expected) };
  }
  if (value !== null && typeof value === 'object') {
    const input: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pair = withRefs(child);
      const own = { writable: true, enumerable: true, configurable: true };
      Object.defineProperty(input, key, { ...own, value: pair.input });
      Object.defineProperty(expected, key, { ...own, value: pair.expected });
    }
    return { input, expected };
  }
  return { input: value, expected: value };
}

/** Random JSON values with references to the secrets of {@link fuzzManager}, and what resolving must give. */
export const jsonWithRefs: fc.Arbitrary<{ input: unknown; expected: unknown }> = fc
  .jsonValue({ maxDepth: 5 })
  .map(withRefs);

/**
 * Resolves `input` and checks the result equals `expected` and the input is untouched. Throws a plain `Error`
 * otherwise. Returns how many references the input held.
 * @example
 *   await checkResolve({ input: refTo(0), expected: secretValue(0) }, fuzzManager());
 */
export async function checkResolve(
  pair: { input: unknown; expected: unknown },
  manager: SecretManager,
): Promise<number> {
  const before = JSON.stringify(pair.input);
  const out = await resolveConnection(pair.input, manager, { maxDepth: Number.POSITIVE_INFINITY });
  if (!isDeepStrictEqual(out, pair.expected)) {
    throw new Error(`resolveConnection gave a different value for ${before}`);
  }
  if (JSON.stringify(pair.input) !== before) throw new Error(`resolveConnection changed its input ${before}`);
  return (before.match(/resolve:secretsmanager/g) ?? []).length;
}
