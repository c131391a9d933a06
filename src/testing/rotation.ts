import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { LocalSecretsManager } from './types.js';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/** What {@link rotate} did: the new current version and the one that became `AWSPREVIOUS`. */
export interface Rotation {
  versionId: string;
  previousVersionId: string | undefined;
}

/**
 * Rotates `name` to `value` through the real SDK, in the steps of a rotation function: `PutSecretValue` with
 * `AWSPENDING` (createSecret), `UpdateSecretVersionStage` moving `AWSCURRENT` to it (finishSecret; the old current
 * becomes `AWSPREVIOUS`), then `AWSPENDING` removed, as Secrets Manager does once a rotation succeeds.
 * @example
 *   const { versionId, previousVersionId } = await rotate(sm, 'db', '{"password":"new"}');
 */
export async function rotate(sm: LocalSecretsManager, name: string, value: string): Promise<Rotation> {
  const client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: sm.region,
    credentials: sm.credentials,
    maxAttempts: 1,
  });
  try {
    const before = await client.send(new DescribeSecretCommand({ SecretId: name }));
    const previousVersionId = Object.entries(before.VersionIdsToStages ?? {}).find(([, stages]) =>
      stages.includes(CURRENT),
    )?.[0];
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: [PENDING] }),
    );
    const versionId = put.VersionId as string;
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: CURRENT,
        MoveToVersionId: versionId,
        ...(previousVersionId === undefined ? {} : { RemoveFromVersionId: previousVersionId }),
      }),
    );
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: PENDING,
        RemoveFromVersionId: versionId,
      }),
    );
    return { versionId, previousVersionId };
  } finally {
    client.destroy();
  }
}
