import { afterAll, beforeAll } from 'vitest';
import { startHostileEndpoint } from './server.js';
import type { HostileEndpoint } from './types.js';

/**
 * Starts one hostile endpoint for the current test file and closes it afterwards; each test sets its handler.
 * @example
 *   const hostile = useHostileEndpoint();
 *   it('…', async () => { hostile().setHandler(() => ({ body: {} })); … });
 */
export function useHostileEndpoint(options?: { region?: string; accountId?: string }): () => HostileEndpoint {
  let endpoint: HostileEndpoint | undefined;
  beforeAll(async () => {
    endpoint = await startHostileEndpoint(undefined, options);
  });
  afterAll(async () => {
    await endpoint?.close();
  });
  return () => {
    if (endpoint === undefined)
      throw new Error('the hostile endpoint is not running: call the getter inside a test');
    return endpoint;
  };
}
