import { createHmac, randomBytes } from 'node:crypto';

/** Keys the endpoint digests: chosen once per process, so a digest seen in a log cannot be tested offline. */
const DIGEST_KEY = randomBytes(32);

/**
 * The endpoint's scheme, host and port: a path can hold a proxy's token, and messages, identities and
 * `testConnection()` results end up in logs.
 * @example
 *   originOf('https://proxy.example/t/0123456789/'); // 'https://proxy.example'
 */
export function originOf(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return new URL(endpoint).origin;
  } catch {
    // The endpoint is the user's setting: one that is not a URL is named, never quoted.
    return 'the configured endpoint';
  }
}

/**
 * The endpoint as an identity may show it: the origin, and when there is more (a path), `#` and a keyed digest
 * of the whole URL, so that two endpoints that differ only in their path still differ here, without the path.
 * @example
 *   endpointLabel('https://proxy.example/t/0123456789'); // 'https://proxy.example#3f2a…' (16 hex digits)
 */
export function endpointLabel(endpoint: string | undefined): string {
  if (endpoint === undefined) return '';
  const origin = originOf(endpoint) ?? '';
  if (endpoint === origin) return origin;
  const digest = createHmac('sha256', DIGEST_KEY).update(endpoint).digest('hex');
  return `${origin}#${digest.slice(0, 16)}`;
}
