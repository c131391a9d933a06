import { request as httpRequest } from 'node:http';
import type { HostileAnswer, HostileRequest } from './types.js';

/**
 * Sends a received request on to another endpoint unchanged (the same headers, so its SigV4 signature still
 * verifies there) and gives back that endpoint's answer, parsed, for a handler to reorder or tamper with.
 * @example
 *   startHostileEndpoint(async (request) => shuffle(await forwardTo(local.endpoint, request)));
 */
export function forwardTo(target: string, request: HostileRequest): Promise<HostileAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.raw.url, target);
    const outgoing = httpRequest(
      url,
      { method: request.raw.method, headers: request.raw.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const errorType = response.headers['x-amzn-errortype'];
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            resolve({ status: response.statusCode ?? 500, raw: text });
            return;
          }
          resolve({
            status: response.statusCode ?? 500,
            body,
            ...(typeof errorType === 'string' ? { errorType } : {}),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.raw.body);
  });
}
