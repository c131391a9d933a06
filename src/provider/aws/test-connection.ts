import { readSignal } from '../../abort.js';
import { SecretRefAbortError, SecretRefConfigError, type SecretRefError } from '../../errors.js';
import { parseSecretArn } from '../../ref/secret-names.js';
import type { TestConnectionOptions, TestConnectionResult } from '../../types.js';
import { AnswerShapeError, readList, readRecord, readString } from './answer-shape.js';
import type { AwsTransport } from './aws-transport.js';
import {
  type AwsCallSettings,
  type AwsErrorContext,
  callContext,
  malformedAnswer,
  originOf,
} from './call-context.js';
import { awsErrorKindOf } from './error-names.js';
import { mapAwsError } from './map-error.js';

/** Options of the AWS provider's `testConnection`: {@link TestConnectionOptions}. */
export type AwsTestConnectionOptions = TestConnectionOptions;

/** A principal ARN in an AWS message: `arn:aws:iam::123456789012:user/x`, `arn:aws:sts::…:assumed-role/R/s`. */
const PRINCIPAL = /\barn:aws[a-z-]{0,20}:(?:iam|sts)::(\d{12}):[A-Za-z0-9+=,.@_/-]{1,1024}/;

/**
 * Checks that the credentials authenticate and reach Secrets Manager, never throwing for bad credentials or an
 * unreachable endpoint. Without `secretId` it lists one secret: an `AccessDeniedException` there still proves the
 * keys authenticated, so it is `ok: true` with `listAllowed: false` (refused keys are `ok: false`,
 * `invalid_credentials`). `account` and `principal` are reported when AWS names them (an ARN it returns for the
 * caller's own secrets, or the principal in an AccessDenied message). `endpoint` is the origin only.
 */
export async function testAwsConnection(
  transport: AwsTransport,
  settings: AwsCallSettings,
  options: AwsTestConnectionOptions = {},
): Promise<TestConnectionResult> {
  const signal = readSignal(options);
  const secretId = readSecretIdOption(options);
  const started = performance.now();
  const latencyMs = (): number => Math.round(performance.now() - started);
  const region = await transport.defaultRegion();
  const endpoint = originOf(settings.endpoint);
  const where = {
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
  const context = (action: AwsErrorContext['action'], secretRegion = region): AwsErrorContext =>
    callContext(action, secretId === undefined ? undefined : { secretId }, secretRegion, settings, signal);
  const failed = (error: SecretRefError, who: Who = {}): TestConnectionResult => {
    if (error instanceof SecretRefAbortError) throw error;
    return { ok: false, code: error.code, message: error.message, latencyMs: latencyMs(), ...who };
  };
  // AWS, through the SDK, and its answer are not trusted: a test reports what failed rather than throw.
  const failedCall = (error: unknown, action: AwsErrorContext['action'], secretRegion = region) =>
    failed(
      error instanceof AnswerShapeError
        ? malformedAnswer(context(action, secretRegion), error.message)
        : mapAwsError(error, context(action, secretRegion)),
    );

  if (secretId === undefined) {
    try {
      const output = await transport.listSecrets({ MaxResults: 1 }, signal);
      const first = readList(readRecord(output, 'the answer'), 'SecretList', (item, what) =>
        readString(readRecord(item, what), 'ARN'),
      )?.[0];
      return { ok: true, latencyMs: latencyMs(), ...where, listAllowed: true, ...accountOf(first) };
    } catch (error) {
      if (isAccessDenied(error)) {
        return { ok: true, latencyMs: latencyMs(), ...where, listAllowed: false, ...principalOf(error) };
      }
      return failedCall(error, 'ListSecrets');
    }
  }

  let secretRegion: string | undefined;
  try {
    secretRegion = transport.regionFor(secretId);
  } catch (error) {
    // The caller's secret id may name no region (a malformed ARN): a test reports it rather than throw.
    return failed(error as SecretRefError);
  }
  const own = !secretId.startsWith('arn:');
  const found = (answer: unknown): TestConnectionResult => {
    const arn = readString(readRecord(answer, 'the answer'), 'ARN');
    return { ok: true, latencyMs: latencyMs(), ...where, secretId, ...(own ? accountOf(arn) : {}) };
  };
  let denied: unknown;
  for (const action of ['DescribeSecret', 'GetSecretValue'] as const) {
    try {
      const answer =
        action === 'DescribeSecret'
          ? await transport.describeSecret(secretRegion, { SecretId: secretId }, signal)
          : await transport.getSecretValue(secretRegion, { SecretId: secretId }, signal);
      return found(answer);
    } catch (error) {
      if (!isAccessDenied(error)) return failedCall(error, action, secretRegion);
      denied = error;
    }
  }
  return failed(mapAwsError(denied, context('GetSecretValue', secretRegion)), principalOf(denied));
}

type Who = { account?: string; principal?: string };

function readSecretIdOption(options: AwsTestConnectionOptions): string | undefined {
  const { secretId } = options;
  if (secretId === undefined) return undefined;
  if (typeof secretId !== 'string' || secretId === '' || secretId.length > 2048) {
    throw new SecretRefConfigError(
      'secretId',
      '`secretId` must be a secret name or ARN of 1 to 2048 characters',
    );
  }
  return secretId;
}

function isAccessDenied(error: unknown): boolean {
  return awsErrorKindOf(error) === 'access_denied';
}

/** The account of one of the caller's own secrets' ARN. */
function accountOf(arn: string | undefined): Who {
  const account = arn === undefined ? undefined : parseSecretArn(arn)?.account;
  return account === undefined ? {} : { account };
}

/** The principal (and its account) that an AccessDenied message names. */
function principalOf(error: unknown): Who {
  const message = (error as { message?: unknown } | null)?.message;
  const match = typeof message === 'string' ? PRINCIPAL.exec(message) : null;
  return match === null ? {} : { principal: match[0], account: match[1]! };
}
