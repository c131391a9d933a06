import { describe, expect, it } from 'vitest';
import { SecretRefAbortError, SecretResolutionError } from '../../src/errors.js';
import type { SecretManager } from '../../src/manager/types.js';
import type { ManagerLookup } from '../../src/resolve/managers.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

const connection = {
  a: '{{conn1|ap_sep_v1|x:k}}',
  b: '{{conn2|ap_sep_v1|x:k}}',
  c: ['{{conn1|ap_sep_v1|y:k}}', 'plain'],
  d: 'pre-{{resolve:secretsmanager:z}}-post',
};

describe('managers given as a function', () => {
  it('asks the function once per distinct manager id and routes each reference to its answer', async () => {
    // Prepare
    const asked: (string | undefined)[] = [];
    const byId: Record<string, SecretManager> = {
      conn1: createFakeManager({ 'x/k': 'one', 'y/k': 'why' }, 'conn1'),
      conn2: createFakeManager({ 'x/k': 'two' }, 'conn2'),
      default: createFakeManager({ z: 'zed' }, 'default'),
    };
    const lookup: ManagerLookup = (id) => {
      asked.push(id);
      return byId[id ?? 'default']!;
    };
    // Act
    const resolved = await resolveConnection(connection, lookup);
    // Assess
    expect(resolved).toEqual({ a: 'one', b: 'two', c: ['why', 'plain'], d: 'pre-zed-post' });
    expect(asked).toEqual(['conn1', 'conn2', undefined]);
  });

  it('accepts promises, and passes defaultManager for references naming none', async () => {
    const asked: (string | undefined)[] = [];
    const lookup: ManagerLookup = async (id) => {
      asked.push(id);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return createFakeManager({ 'x/k': `${id}-x`, 'y/k': `${id}-y`, z: `${id}-z` }, String(id));
    };
    const resolved = await resolveConnection(connection, lookup, { defaultManager: 'prod' });
    expect(resolved).toEqual({
      a: 'conn1-x',
      b: 'conn2-x',
      c: ['conn1-y', 'plain'],
      d: 'pre-prod-z-post',
    });
    expect(asked).toEqual(['conn1', 'conn2', 'prod']);
  });

  it('calls nothing when the connection holds no reference', async () => {
    let calls = 0;
    const value = await resolveConnection({ a: 'plain', b: [1, 2] }, () => {
      calls++;
      return createFakeManager({});
    });
    expect(value).toEqual({ a: 'plain', b: [1, 2] });
    expect(calls).toBe(0);
  });

  it('makes a throw, a rejection and a non-manager unknown_manager issues naming the id, without quoting the error', async () => {
    // Prepare
    const good = createFakeManager({ 'x/k': 'fine' });
    const lookup: ManagerLookup = (id) => {
      if (id === 'throws') throw new Error(`lookup failed: ${CANARY}`);
      if (id === 'rejects') return Promise.reject(new Error(`db said ${CANARY}`));
      if (id === 'empty') return undefined as unknown as SecretManager;
      if (id === 'bogus') return Promise.resolve({ getSecrets: CANARY } as unknown as SecretManager);
      if (id === 'hostile') {
        return new Proxy({} as SecretManager, {
          get() {
            throw new Error(CANARY);
          },
        });
      }
      return good;
    };
    // Act
    const settled = await resolveConnectionSettled(
      {
        ok: '{{good|ap_sep_v1|x:k}}',
        t: '{{throws|ap_sep_v1|x:k}}',
        r: '{{rejects|ap_sep_v1|x:k}}',
        e: '{{empty|ap_sep_v1|x:k}}',
        b: '{{bogus|ap_sep_v1|x:k}}',
        h: '{{hostile|ap_sep_v1|x:k}}',
      },
      lookup,
    );
    // Assess
    expect(settled.value.ok).toBe('fine');
    expect(settled.issues.map(({ path, code, message }) => ({ path, code, message }))).toEqual([
      {
        path: ['t'],
        code: 'unknown_manager',
        message: '{{throws|ap_sep_v1|x:k}}: the `managers` function threw for id "throws"',
      },
      {
        path: ['r'],
        code: 'unknown_manager',
        message: '{{rejects|ap_sep_v1|x:k}}: the `managers` function rejected for id "rejects"',
      },
      {
        path: ['e'],
        code: 'unknown_manager',
        message: '{{empty|ap_sep_v1|x:k}}: the `managers` function gave no secret manager for id "empty"',
      },
      {
        path: ['b'],
        code: 'unknown_manager',
        message: '{{bogus|ap_sep_v1|x:k}}: the `managers` function gave no secret manager for id "bogus"',
      },
      {
        path: ['h'],
        code: 'unknown_manager',
        message: '{{hostile|ap_sep_v1|x:k}}: the `managers` function gave no secret manager for id "hostile"',
      },
    ]);
    expectNoCanary(settled.issues);
    const error = await resolveConnection({ t: '{{throws|ap_sep_v1|x:k}}' }, lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expectNoCanary(error);
  });

  it('names a reference without a manager id in the issue', async () => {
    const settled = await resolveConnectionSettled({ a: '{{resolve:secretsmanager:z}}' }, () => {
      throw new Error('no default');
    });
    expect(settled.issues[0]?.message).toBe(
      '{{resolve:secretsmanager:z}}: the `managers` function threw for a reference naming no manager',
    );
  });

  it('rejects with AbortError when aborted while a lookup is pending', async () => {
    const controller = new AbortController();
    const pending = resolveConnection(connection, () => new Promise<SecretManager>(() => {}), {
      signal: controller.signal,
    });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretRefAbortError);
    expect((error as Error).name).toBe('AbortError');
  });
});
