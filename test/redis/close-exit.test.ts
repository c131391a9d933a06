import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { FLAVOURS, useRedisServer } from './helpers.js';

const redis = useRedisServer();
const CHILD = join(import.meta.dirname, 'close-child.ts');

/** Runs the child; resolves with its exit code, or 'hung' when it is still alive `ms` after printing "closed". */
function runChild(setup: object, ms = 3_000): Promise<number | 'hung'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(setup)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('closed')) {
        timer ??= setTimeout(() => {
          child.kill('SIGKILL');
          resolve('hung');
        }, ms);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

describe.each(FLAVOURS)('a process that closes its cache (%s)', (flavour) => {
  // Starting a child under tsx takes seconds on a busy machine: what is bounded is the time after "closed".
  it.each(['connecting', 'ready'] as const)(
    'exits by itself when the subscriber is %s at close()',
    { timeout: 90_000 },
    async (state) => {
      const results = await Promise.all([0, 1].map(() => runChild({ flavour, url: redis().url, state })));
      expect(results).toEqual([0, 0]);
    },
  );

  it('exits by itself when the subscriber is reconnecting to a Redis that is not there', {
    timeout: 90_000,
  }, async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    expect(await runChild({ flavour, url, state: 'reconnecting' })).toBe(0);
  });
});
