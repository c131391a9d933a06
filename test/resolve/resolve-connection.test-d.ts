import { describe, expectTypeOf, it } from 'vitest';
import type { SecretRefSyntaxError, SecretResolutionIssue } from '../../src/errors.js';
import type { SecretManager } from '../../src/manager/types.js';
import { type FoundSecretRef, findSecretRefs } from '../../src/resolve/find.js';
import { createMasker, type Masker } from '../../src/resolve/mask.js';
import {
  type ResolvedSecretRef,
  resolveConnection,
  resolveConnectionSettled,
} from '../../src/resolve/resolve-connection.js';
import type { SecretRef } from '../../src/types.js';

declare const manager: SecretManager;
const connection = { props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', port: 5432 } };

describe('public signatures', () => {
  it('resolveConnection keeps the type of the connection', () => {
    expectTypeOf(resolveConnection(connection, manager)).toEqualTypeOf<Promise<typeof connection>>();
    expectTypeOf(
      resolveConnection(connection, { conn1: manager }, { signal: AbortSignal.timeout(1) }),
    ).toEqualTypeOf<Promise<typeof connection>>();
  });

  it('resolveConnectionSettled returns the value with its issues, what resolved and a masker', async () => {
    const settled = await resolveConnectionSettled(connection, manager);
    expectTypeOf(settled.value).toEqualTypeOf<typeof connection>();
    expectTypeOf(settled.issues).toEqualTypeOf<SecretResolutionIssue[]>();
    expectTypeOf(settled.resolved).toEqualTypeOf<ResolvedSecretRef[]>();
    expectTypeOf(settled.masker).toEqualTypeOf<Masker>();
  });

  it('findSecretRefs returns a union narrowed by `error`', () => {
    const [found] = findSecretRefs(connection);
    expectTypeOf(found).toEqualTypeOf<FoundSecretRef | undefined>();
    if (found && !found.error) expectTypeOf(found.ref).toEqualTypeOf<SecretRef>();
    if (found?.error) expectTypeOf(found.error).toEqualTypeOf<SecretRefSyntaxError>();
  });

  it('maskValue keeps the type', () => {
    expectTypeOf(createMasker([]).maskValue(connection)).toEqualTypeOf<typeof connection>();
  });
});
