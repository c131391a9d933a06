import { createAction, Property } from '@activepieces/pieces-framework';
import { findSecretRefs, formatPath, type SecretRef, SecretRefError } from 'secret-refs';
import { awsSecretsAuth } from '../auth.js';
import { managerFor } from '../manager.js';
import { failOnProblems, type PropProblem, readReference } from '../props.js';
import { jsonProblems } from '../traces.js';

/** One line of the report: where the reference is, and ok or why not. Never a value. */
interface ReferenceReport {
  at: string;
  ref: string;
  ok: boolean;
  code?: string;
  message?: string;
}

/**
 * Checks secret references and returns a report — where each one is, and ok or why not. The references come typed
 * in the bare form (`prod/db:password`), which the engine passes untouched, and from a JSON value mapped from a
 * previous step (`{{step_1.output.body}}`), whose braced references the engine does not evaluate. A JSON value that
 * arrives emptied (nothing, text that is not JSON, an empty text inside) fails the step before anything is read,
 * whatever References holds. The output holds no secret value, so it is safe in the run log.
 * @example
 *   // References: ['prod/db:password', 'prod/api:token'] → { ok: true, total: 2, failed: 0, references: [...] }
 */
export const checkReferences = createAction({
  auth: awsSecretsAuth,
  name: 'check_references',
  displayName: 'Check secret references',
  description: 'Reports, for every secret reference given, whether it resolves. Never outputs a value.',
  props: {
    references: Property.Array({
      displayName: 'References',
      description: 'Bare references, without braces: prod/db:password, or a secret ARN.',
      required: false,
    }),
    value: Property.Json({
      displayName: 'JSON value',
      description:
        'A connection or config mapped from a previous step, such as {{step_1.output.body}}; braced references in it are checked.',
      required: false,
    }),
  },
  async run(context) {
    const items: { at: string; text: string; ref?: SecretRef; error?: SecretRefError }[] = [];
    const problems: PropProblem[] = jsonProblems(context.propsValue, 'value', 'JSON value');
    const typedList: unknown = context.propsValue.references ?? [];
    if (!Array.isArray(typedList)) failOnProblems([{ prop: 'References', problem: 'must be a list' }]);
    (typedList as unknown[]).forEach((typed, index) => {
      const at = `References[${index}]`;
      const read = readReference(typed, at);
      if ('ref' in read) items.push({ at, text: String(typed), ref: read.ref });
      else if (read.problem.emptied) problems.push(read.problem);
      else {
        // Text that is not a reference is not repeated: it may be a secret pasted into the wrong field.
        const error = new SecretRefError('invalid_reference', `${at} ${read.problem.problem}`);
        items.push({ at, text: '', error });
      }
    });
    for (const found of findSecretRefs(context.propsValue.value ?? null)) {
      const at = found.path.length === 0 ? 'JSON value' : `JSON value.${formatPath(found.path)}`;
      items.push({ at, text: found.text, ...(found.ref ? { ref: found.ref } : { error: found.error }) });
    }
    if (items.length === 0 && problems.length === 0) {
      problems.push({
        prop: 'References and JSON value',
        problem: 'hold no reference to check',
        emptied: true,
      });
    }
    failOnProblems(problems);

    const refs = items.flatMap((item) => (item.ref ? [withoutManager(item.ref)] : []));
    const results = await (await managerFor(context.auth.props)).getSecrets(refs);
    let next = 0;
    const references = items.map(({ at, text, ref, error }): ReferenceReport => {
      const outcome = ref ? results[next++] : { ok: false as const, error };
      if (outcome === undefined || outcome.ok) return { at, ref: text, ok: true };
      const code = outcome.error instanceof SecretRefError ? outcome.error.code : 'provider_error';
      return { at, ref: text, ok: false, code, message: outcome.error?.message ?? '' };
    });
    const failed = references.filter((reference) => !reference.ok).length;
    return { ok: failed === 0, total: references.length, failed, references };
  },
});

/** The step's connection serves every reference, whatever connection id an Activepieces-form one names. */
function withoutManager({ manager: _anyManager, ...ref }: SecretRef): SecretRef {
  return ref;
}
