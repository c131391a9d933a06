import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalSecretsManager } from '../../src/testing/index.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
}

/** Status, headers and body text of a raw response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How to build a raw request. */
export interface RawRequestOptions {
  /** Full `X-Amz-Target`. @default 'secretsmanager.GetSecretValue' */
  target?: string;
  /** Sign the request (with the endpoint's credentials unless `credentials` is given). @default true */
  sign?: boolean;
  signingDate?: Date;
  region?: string;
}

/** Sends a hand-built (optionally SigV4-signed) request, for protocol cases the SDK never produces. */
export async function rawRequest(
  sm: LocalSecretsManager,
  body: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(sm.endpoint);
  let req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': options.target ?? 'secretsmanager.GetSecretValue',
    },
    body,
  });
  if (options.sign !== false) {
    const signer = new SignatureV4({
      credentials: sm.credentials,
      region: options.region ?? sm.region,
      service: 'secretsmanager',
      sha256: NodeSha256,
    });
    req = (await signer.sign(req, { signingDate: options.signingDate ?? new Date() })) as HttpRequest;
  }
  return new Promise((resolve, reject) => {
    const out = request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}
