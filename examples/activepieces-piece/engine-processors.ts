/**
 * The engine's processors and validators, applied after the props resolver (see engine-props.ts), as read in
 * github.com/activepieces/activepieces `packages/server/engine/src/lib/variables/`:
 * - `props-processor.ts` @07017f72: for each prop in the input, an ARRAY prop with `properties` is zipped
 *   (`processors/array-zipper.ts` @6b1a3e42) and each item processed with its sub-props; then the processor of the
 *   prop's type. A key the input holds stays in `processedInput` even when its processor gives `undefined`.
 *   Validators then reject, by prop: a required JSON prop that is `undefined`, `null` or `''`; a text that is not a
 *   string; a list that is not an array; an OBJECT that is not an object — an optional prop that is `undefined` or
 *   `null` passes. `''` passes a required text prop. Any rejection fails the step before `run`.
 * - `processors/text.ts` @098b2e9d (SHORT_TEXT, LONG_TEXT, SECRET_TEXT): an object is JSON-encoded; `''` in an
 *   optional prop becomes `undefined` (dropped).
 * - `processors/json.ts` @b588c229: an object as is, text through `JSON.parse`, and `undefined` when that throws —
 *   so an emptied JSON prop (`''`) arrives as `undefined`. (At @07017f72 text that is not JSON is passed on as it
 *   is instead; `jsonText: 'kept'` models that.)
 * - `processors/object.ts` @b588c229: text through `JSON.parse` (`undefined` when that throws), an object as is,
 *   an array or anything else `undefined`.
 */
import type { InputPropertyMap, PieceProperty } from '@activepieces/pieces-framework';

/** What the JSON processor does with text that is not JSON, `''` included. */
export type JsonTextHandling = 'undefined' | 'kept';

type Errors = Record<string, unknown>;

/**
 * The step's resolved input after the processors and validators of each prop's type.
 * @example
 *   processProps({ body: '' }, { body: Property.Json({ displayName: 'Body', required: false }) });
 *   // { processed: { body: undefined }, errors: {} }
 */
export function processProps(
  resolved: Record<string, unknown>,
  props: InputPropertyMap,
  jsonText: JsonTextHandling = 'undefined',
): { processed: Record<string, unknown>; errors: Errors } {
  const processed: Record<string, unknown> = { ...resolved };
  const errors: Errors = {};
  for (const [key, value] of Object.entries(resolved)) {
    const property = props[key];
    if (property === undefined) continue;
    if (property.type === 'ARRAY' && 'properties' in property && property.properties) {
      const items = zip(value);
      const itemErrors: Errors[] = [];
      // The engine iterates whatever the zipper gives: an array, or the characters of a text.
      const list =
        typeof items === 'string' || Array.isArray(items) ? [...items] : items == null ? [] : [items];
      processed[key] = list.map((item) => {
        const result = processProps({ ...item }, property.properties as InputPropertyMap);
        itemErrors.push(result.errors);
        return result.processed;
      });
      if (itemErrors.some((item) => Object.keys(item).length > 0)) errors[key] = { properties: itemErrors };
    }
    processed[key] = processValue(property, processed[key], jsonText);
  }
  for (const [key, value] of Object.entries(processed)) {
    const property = props[key];
    if (property === undefined) continue;
    const problem = validate(property, value, resolved[key]);
    if (problem !== undefined) errors[key] = [problem];
  }
  return { processed, errors };
}

function zip(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  const columns = Object.entries(value);
  const length = Math.max(...columns.map(([, column]) => (Array.isArray(column) ? column.length : 1)));
  return Array.from({ length }, (_, index) =>
    Object.fromEntries(
      columns.map(([name, column]) => [name, Array.isArray(column) ? column[index] : column]),
    ),
  );
}

function processValue(property: PieceProperty, value: unknown, jsonText: JsonTextHandling): unknown {
  if (value === null || value === undefined) return value;
  switch (property.type) {
    case 'SHORT_TEXT':
    case 'LONG_TEXT':
    case 'SECRET_TEXT': {
      if (typeof value === 'object') return JSON.stringify(value);
      const text = String(value);
      return text.length === 0 && !property.required ? undefined : text;
    }
    case 'JSON':
      if (typeof value === 'object') return value;
      try {
        return JSON.parse(String(value));
      } catch {
        return jsonText === 'kept' ? value : undefined;
      }
    case 'OBJECT':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value);
        } catch {
          return undefined;
        }
      }
      return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    default:
      return value;
  }
}

function validate(property: PieceProperty, value: unknown, original: unknown): string | undefined {
  const missing = value === undefined || value === null;
  if (property.type === 'JSON') {
    return property.required && (missing || value === '')
      ? `Expected JSON, received: ${original}`
      : undefined;
  }
  if (!property.required && missing) return undefined;
  switch (property.type) {
    case 'SHORT_TEXT':
    case 'LONG_TEXT':
      return typeof value === 'string' ? undefined : `Expected string, received: ${original}`;
    case 'ARRAY':
      return Array.isArray(value) ? undefined : `Expected array, received: ${original}`;
    case 'OBJECT':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? undefined
        : `Expected object, received: ${original}`;
    default:
      return undefined;
  }
}
