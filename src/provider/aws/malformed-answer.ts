import { SecretFetchError } from '../../errors.js';
import { type AwsErrorContext, describeSubject } from './call-subject.js';
import { originOf } from './origin.js';

/**
 * The error for an answer that does not have the shape Secrets Manager gives (a field of the wrong type, a
 * repeated page token): `provider_error`, not transient. `detail` names fields and types, never a value.
 * @example
 *   throw malformedAnswer(context, '`SecretBinary` is a number, not bytes');
 */
export function malformedAnswer(context: AwsErrorContext, detail: string): SecretFetchError {
  const target =
    originOf(context.endpoint) ?? `Secrets Manager in ${context.region ?? "the client's region"}`;
  return new SecretFetchError(
    'provider_error',
    `The answer of ${target} to ${context.action} for ${describeSubject(context)} is malformed: ${detail}; check that \`endpoint\` is a Secrets Manager endpoint`,
    { ...(context.secretId === undefined ? {} : { ref: context.secretId }), transient: false },
  );
}
