import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type LocalSecretsManager,
  type LocalSecretsManagerOptions,
  startLocalSecretsManager,
} from '../../src/testing/index.js';

/**
 * Starts one local Secrets Manager endpoint for the current test file (or `describe` block), closes it afterwards,
 * and before each test clears its faults, denied actions and request log. Returns a getter for the running server.
 * @example
 *   const endpoint = useLocalEndpoint({ secrets: [{ name: 'db', secretString: '{"password":"pw"}' }] });
 *   it('reads', async () => { const sm = endpoint(); … });
 */
export function useLocalEndpoint(options?: LocalSecretsManagerOptions): () => LocalSecretsManager {
  let sm: LocalSecretsManager | undefined;
  beforeAll(async () => {
    sm = await startLocalSecretsManager(options);
  });
  afterAll(async () => {
    await sm?.close();
  });
  beforeEach(() => {
    sm?.clearFaults();
    sm?.denyActions([]);
    sm?.resetRequests();
  });
  return () => {
    if (sm === undefined) throw new Error('the local endpoint is not running: call the getter inside a test');
    return sm;
  };
}
