import { inspect } from 'node:util';
import { expect } from 'vitest';

/** A secret value seeded by tests; it must never appear in anything the library returns or throws. */
export const CANARY = 'CANARY-7f3a9c-do-not-leak';

/** The text views of `value` (message, stack, inspect, JSON, cause chain…) that contain `needle`, labelled by where. */
export function findCanary(value: unknown, needle = CANARY): { where: string; text: string }[] {
  const views: { where: string; text: string }[] = [];
  const seen = new Set<unknown>();
  const visit = (item: unknown, where: string, depth: number): void => {
    if (depth > 50 || seen.has(item)) return;
    if (item !== null && typeof item === 'object') seen.add(item);
    views.push({ where: `${where} String()`, text: safe(() => String(item)) });
    views.push({
      where: `${where} util.inspect`,
      text: safe(() => inspect(item, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: false })),
    });
    const json = safe(() => JSON.stringify(item) ?? '');
    views.push({ where: `${where} JSON.stringify`, text: json });
    if (item instanceof Error) {
      views.push({ where: `${where}.message`, text: safe(() => String(item.message)) });
      views.push({ where: `${where}.stack`, text: safe(() => String(item.stack)) });
      for (const key of Reflect.ownKeys(item)) {
        if (key === 'cause' || key === 'errors') continue;
        const prop = safe(() => (item as unknown as Record<PropertyKey, unknown>)[key]);
        if (typeof prop === 'string') views.push({ where: `${where}.${String(key)}`, text: prop });
      }
      if ('cause' in item) visit(item.cause, `${where}.cause`, depth + 1);
      if (item instanceof AggregateError || Array.isArray((item as unknown as { errors?: unknown }).errors)) {
        const errors = (item as unknown as { errors: unknown[] }).errors;
        errors.forEach((inner, index) => {
          visit(inner, `${where}.errors[${index}]`, depth + 1);
        });
      }
    }
  };
  visit(value, 'value', 0);
  return views.filter((view) => view.text.includes(needle));
}

function safe(read: () => unknown): string {
  try {
    const out = read();
    return typeof out === 'string' ? out : String(out);
  } catch {
    return '';
  }
}

/**
 * Asserts that `value` (usually a caught error) shows `needle` nowhere: message, stack, `String()`,
 * `util.inspect` at full depth, `JSON.stringify`, own string properties, and the whole `cause` / `errors` chain.
 * @example
 *   const error = await manager.getSecret('db:missing').catch((e: unknown) => e);
 *   expectNoCanary(error);
 */
export function expectNoCanary(value: unknown, needle: string = CANARY): void {
  const leaks = findCanary(value, needle).map((view) => view.where);
  expect(leaks, `secret value leaked through: ${leaks.join(', ')}`).toEqual([]);
}

/**
 * Everything an error says about itself except where it was thrown: its message, its own properties (the stack's
 * frames left out, since they hold the checkout's paths) and its `cause` chain. For assertions on the shape of text
 * (“no long base64 run”) that must not depend on the folder the tests run in.
 */
export function errorTextWithoutFrames(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 20) return safe(() => JSON.stringify(error) ?? String(error));
  const own = Object.getOwnPropertyNames(error).filter((key) => key !== 'stack' && key !== 'cause');
  const cause = 'cause' in error ? `\ncause: ${errorTextWithoutFrames(error.cause, depth + 1)}` : '';
  const fields = Object.fromEntries(
    own.map((key) => [key, (error as unknown as Record<string, unknown>)[key]]),
  );
  return `${error.message}\n${safe(() => JSON.stringify(fields))}${cause}`;
}
