/**
 * The fields and values that common clients use for "these credentials were refused": PostgreSQL's SQLSTATE
 * `28P01` (invalid_password) and `28000` (invalid_authorization_specification), MySQL/MariaDB's
 * `ER_ACCESS_DENIED_ERROR` (errno 1045), SQL Server's `ELOGIN` (tedious; number 18456), MongoDB's code 18
 * (`AuthenticationFailed`).
 */
const AUTH_FIELDS: readonly (readonly [string, ReadonlySet<unknown>])[] = [
  ['code', new Set(['28P01', '28000', 'ER_ACCESS_DENIED_ERROR', 'ELOGIN', 18])],
  ['errno', new Set([1045])],
  ['number', new Set([18456])],
  ['codeName', new Set(['AuthenticationFailed'])],
];

/**
 * `value[key]` of a value the library does not trust (what a user's callback threw, an EventBridge event): a
 * getter or a Proxy trap that throws reads as missing. @internal
 */
export function readField(value: unknown, key: string): unknown {
  try {
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The default `isAuthError` of {@link withConnection}: true for the login failures of common clients — PostgreSQL
 * (`pg`: code `28P01` or `28000`), MySQL (`mysql2`: `ER_ACCESS_DENIED_ERROR`, errno 1045), SQL Server (`tedious`:
 * `ELOGIN`, number 18456), MongoDB (code 18, `AuthenticationFailed`), Redis (a reply starting `WRONGPASS`), and an
 * HTTP 401 (`status`, `statusCode` or `response.status`). A field that throws when read counts as absent. Compose
 * it with your own test for other clients.
 * @example
 *   await withConnection(connection, manager, use, {
 *     isAuthError: (error) => isCommonAuthError(error) || error instanceof MyApiLoginError,
 *   });
 */
export function isCommonAuthError(error: unknown): boolean {
  for (const [key, values] of AUTH_FIELDS) if (values.has(readField(error, key))) return true;
  const message = readField(error, 'message');
  if (typeof message === 'string' && message.startsWith('WRONGPASS')) return true;
  const status =
    readField(error, 'status') ??
    readField(error, 'statusCode') ??
    readField(readField(error, 'response'), 'status');
  return status === 401;
}
