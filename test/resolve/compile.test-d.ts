import { describe, expectTypeOf, it } from 'vitest';
import type { SecretManager } from '../../src/manager/types.js';
import { type CompiledConnection, compileConnection } from '../../src/resolve/compile.js';
import type { FoundSecretRef } from '../../src/resolve/find.js';
import { createManagerRegistry, type ManagerRegistry } from '../../src/resolve/manager-registry.js';
import type { ManagerLookup } from '../../src/resolve/managers.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

declare const manager: SecretManager;
const connection = { props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', port: 5432 } };

describe('public signatures of stage two', () => {
  it('compileConnection keeps the type of the connection', () => {
    const compiled = compileConnection(connection, { encode: 'uri' });
    expectTypeOf(compiled).toEqualTypeOf<CompiledConnection<typeof connection>>();
    expectTypeOf(compiled.resolve(manager)).toEqualTypeOf<Promise<typeof connection>>();
    expectTypeOf(compiled.refs).toEqualTypeOf<readonly FoundSecretRef[]>();
  });

  it('accepts managers as a function, and a registry', () => {
    const lookup: ManagerLookup = async () => manager;
    expectTypeOf(resolveConnection(connection, lookup)).toEqualTypeOf<Promise<typeof connection>>();
    const registry = createManagerRegistry({ lookup: (id) => ({ id }), create: () => manager });
    expectTypeOf(registry).toEqualTypeOf<ManagerRegistry>();
    expectTypeOf(resolveConnection(connection, registry.managers)).toEqualTypeOf<
      Promise<typeof connection>
    >();
  });

  it('takes encode as a function of value and site', () => {
    resolveConnection(connection, manager, { encode: (value, site) => (site.whole ? value : value.trim()) });
    // @ts-expect-error encode is 'uri' or a function
    resolveConnection(connection, manager, { encode: 'url' });
  });
});
