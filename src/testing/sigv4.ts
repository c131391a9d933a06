import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { awsErrors } from './aws-error.js';
import type { LocalCredentials } from './types.js';

/** What the `Authorization` header of a SigV4-signed request says. */
interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** The parts of a received request that its signature covers, besides the body. */
type ReceivedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'>;

const SCHEME = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60_000;

/**
 * Reads a SigV4 `Authorization` header.
 * @throws AwsError `MissingAuthenticationTokenException` when absent, `IncompleteSignatureException` when malformed.
 */
export function parseAuthorization(header: string | undefined): SigV4Authorization {
  if (header === undefined || header.trim() === '') throw awsErrors.missingAuth();
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${SCHEME} `)) {
    throw awsErrors.incompleteSignature(`Authorization header requires the ${SCHEME} scheme.`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(SCHEME.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw awsErrors.incompleteSignature(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((s) => s === '')) {
    throw awsErrors.incompleteSignature(
      "Credential must have the form '<access key id>/<date>/<region>/<service>/aws4_request'.",
    );
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // The query is the client's: a malformed escape is kept as written, and the signature will not match.
    return text;
  }
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    return [rfc3986(key), rfc3986(value)] as const;
  });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return value.trim().replace(/\s+/g, ' ');
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The signature AWS would compute for this request with this secret key. */
function computeSignature(
  request: ReceivedRequest,
  body: Buffer,
  auth: SigV4Authorization,
  amzDate: string,
  secretAccessKey: string,
): string {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const canonicalPath = encodeURIComponent(safeDecode(path)).replace(/%2F/g, '/');
  const canonicalRequest = [
    (request.method ?? 'POST').toUpperCase(),
    canonicalPath,
    canonicalQuery(query),
    ...auth.signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}`),
    '',
    auth.signedHeaders.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [SCHEME, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

/**
 * Checks a request the way AWS's front door does: key id, session token, credential scope, clock, signature.
 * @throws AwsError `UnrecognizedClientException` or `InvalidSignatureException`.
 */
export function verifyRequest(
  request: ReceivedRequest,
  body: Buffer,
  auth: SigV4Authorization,
  expected: { credentials: LocalCredentials; region: string; service: string },
): void {
  const { credentials, service } = expected;
  if (auth.accessKeyId !== credentials.accessKeyId) throw awsErrors.unrecognizedClient();
  const token = headerValue(request.headers, 'x-amz-security-token');
  if (token !== (credentials.sessionToken ?? '')) throw awsErrors.unrecognizedClient();
  if (auth.service !== service) throw awsErrors.wrongService(service);
  if (auth.region !== expected.region) throw awsErrors.wrongRegion(auth.region);
  if (!auth.signedHeaders.includes('host')) {
    throw awsErrors.incompleteSignature("'Host' must be a signed header.");
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signedAt = amzDateToMs(amzDate);
  if (Number.isNaN(signedAt) || !amzDate.startsWith(auth.date)) {
    throw awsErrors.incompleteSignature('X-Amz-Date must be present and match the credential scope date.');
  }
  if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) throw awsErrors.expired(amzDate);
  const computed = Buffer.from(computeSignature(request, body, auth, amzDate, credentials.secretAccessKey));
  const given = Buffer.from(auth.signature);
  if (computed.length !== given.length || !timingSafeEqual(computed, given)) throw awsErrors.badSignature();
}
