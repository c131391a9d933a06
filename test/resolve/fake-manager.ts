import { SecretFetchError } from '../../src/errors.js';
import type { SecretManager, SecretResult } from '../../src/manager/types.js';
import type { CallOptions, SecretRef } from '../../src/types.js';

/** A `SecretManager` for routing tests: answers `getSecrets` from a record, and records every call. */
export interface FakeManager extends SecretManager {
  /** The refs of each `getSecrets` call, in order. */
  calls: SecretRef[][];
  /** The options of each `getSecrets` call. */
  callOptions: (CallOptions | undefined)[];
}

/**
 * Values by `secretId` or `secretId/jsonKey`; a ref whose key is missing fails with `secret_not_found`.
 * `getSecrets` may be replaced to test contract violations.
 */
export function createFakeManager(values: Record<string, string>, name = 'fake'): FakeManager {
  const calls: SecretRef[][] = [];
  const callOptions: (CallOptions | undefined)[] = [];
  const notUsed = (): never => {
    throw new Error(`${name}: not used by resolveConnection`);
  };
  return {
    calls,
    callOptions,
    async getSecrets(refs: readonly SecretRef[], options?: CallOptions): Promise<SecretResult[]> {
      calls.push([...refs]);
      callOptions.push(options);
      return refs.map((ref): SecretResult => {
        const key = ref.jsonKey === undefined ? ref.secretId : `${ref.secretId}/${ref.jsonKey}`;
        const value = values[key];
        return value === undefined
          ? {
              ok: false,
              error: new SecretFetchError(
                'secret_not_found',
                `Secret "${ref.secretId}" was not found in ${name}`,
              ),
            }
          : { ok: true, value };
      });
    },
    getSecret: notUsed,
    getSecretBinary: notUsed,
    testConnection: notUsed,
    listSecrets: notUsed,
    listJsonKeys: notUsed,
    invalidate: notUsed,
    stats: notUsed,
  };
}
