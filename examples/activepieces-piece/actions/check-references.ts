import { createAction, Property } from '@activepieces/pieces-framework';
import { formatPath, SecretRefError } from '../../../src/errors.js';
import { findSecretRefs } from '../../../src/resolve/find.js';
import { awsSecretsAuth } from '../auth.js';
import { managerFor } from '../manager.js';

/**
 * Checks every secret reference in a JSON value (a connection, a config) and returns a report — where each
 * reference is, and ok or why not. The output holds no secret value, so it is safe in the run log.
 */
export const checkReferences = createAction({
  auth: awsSecretsAuth,
  name: 'check_references',
  displayName: 'Check secret references',
  description:
    'Reports, for every secret reference in a JSON value, whether it resolves. Never outputs a value.',
  props: {
    value: Property.Json({
      displayName: 'JSON value',
      description: 'Text such as {"password": "{{resolve:secretsmanager:prod/db:SecretString:password}}"}',
      required: true,
    }),
  },
  async run(context) {
    const found = findSecretRefs(context.propsValue.value);
    const refs = found.flatMap((item) => (item.ref === undefined ? [] : [item.ref]));
    const results = await managerFor(context.auth.props).getSecrets(
      refs.map(({ manager: _manager, ...ref }) => ref),
    );
    let next = 0;
    const references = found.map((item) => {
      const outcome = item.ref === undefined ? { ok: false as const, error: item.error } : results[next++];
      const at = formatPath(item.path);
      if (outcome === undefined || outcome.ok) return { at, ref: item.text, ok: true };
      const code = outcome.error instanceof SecretRefError ? outcome.error.code : 'provider_error';
      return { at, ref: item.text, ok: false, code, message: outcome.error.message };
    });
    const failed = references.filter((reference) => !reference.ok).length;
    return { ok: failed === 0, total: references.length, failed, references };
  },
});
