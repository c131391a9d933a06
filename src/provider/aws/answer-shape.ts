import { typeOf } from './describe-value.js';

/**
 * The SDK passes on whatever JSON an endpoint sends, whatever its type (`{"SecretBinary": 200000000}` arrives as
 * a number), so every field the provider reads is checked here. A reader returns the field or throws an
 * `AnswerShapeError` naming the field and the type found, never the value.
 */
export class AnswerShapeError extends Error {
  override name = 'AnswerShapeError';
}

/** The answer as an object, or an `AnswerShapeError`. */
export function readRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new AnswerShapeError(`${what} is ${typeOf(value)}, not an object`);
  }
  return value as Record<string, unknown>;
}

/** An optional text field. */
export function readString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AnswerShapeError(`\`${field}\` is ${typeOf(value)}, not text`);
  return value;
}

/** An optional bytes field (the SDK decodes AWS's base64 into a `Uint8Array`). */
export function readBytes(record: Record<string, unknown>, field: string): Uint8Array | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Uint8Array))
    throw new AnswerShapeError(`\`${field}\` is ${typeOf(value)}, not bytes`);
  return value;
}

/** An optional list field, each item checked by `read`. */
export function readList<T>(
  record: Record<string, unknown>,
  field: string,
  read: (item: unknown, what: string) => T,
): T[] | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AnswerShapeError(`\`${field}\` is ${typeOf(value)}, not a list`);
  return value.map((item, index) => read(item, `\`${field}[${index}]\``));
}

/** A list item that must be text. */
export function textItem(item: unknown, what: string): string {
  if (typeof item !== 'string') throw new AnswerShapeError(`${what} is ${typeOf(item)}, not text`);
  return item;
}

/** An optional date field (the SDK turns AWS's epoch seconds into a `Date`). */
export function readDate(record: Record<string, unknown>, field: string): Date | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new AnswerShapeError(`\`${field}\` is ${typeOf(value)}, not a date`);
  }
  return value;
}
