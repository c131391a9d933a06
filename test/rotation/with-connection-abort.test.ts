import { describe, expect, it, vi } from 'vitest';
import { createMemoryProvider, createSecretManager } from '../../src/index.js';
import { withConnection } from '../../src/rotation/with-connection.js';

class LoginError extends Error {
  readonly code = '28P01';
}

const connection = { user: 'app', password: '{{resolve:secretsmanager:db:SecretString:password}}' };

describe('withConnection and an abort signal', () => {
  it('a call waiting for another call’s re-read stops waiting when its signal aborts, with its own error', async () => {
    let hold = false;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const provider = createMemoryProvider(
      { db: JSON.stringify({ password: 'v1' }) },
      { onCall: () => (hold ? held : undefined) },
    );
    const manager = createSecretManager(provider);
    await manager.getSecret('db');
    hold = true;
    // The first failing call re-reads past the caches; the AWS call hangs.
    const first = withConnection(connection, manager, () => Promise.reject(new LoginError('refused')));
    first.catch(() => undefined);
    await vi.waitFor(() => expect(provider.apiCalls()).toBe(2));
    // A second failing call within the cool-down waits for that re-read — until its own signal aborts.
    const controller = new AbortController();
    const original = new LoginError('refused again');
    const use = vi.fn(() => Promise.reject(original));
    const second = withConnection(connection, manager, use, { signal: controller.signal });
    let settled: unknown = 'pending';
    second.then(
      () => (settled = 'resolved'),
      (error: unknown) => (settled = error),
    );
    await vi.waitFor(() => expect(use).toHaveBeenCalledTimes(1));
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      expect(settled).toBe(original);
      expect(use).toHaveBeenCalledTimes(1);
    } finally {
      release();
      await first.catch(() => undefined);
      await second.catch(() => undefined);
    }
  });
});
