import {
  createMockActionContext,
  type IAction,
  type InputPropertyMap,
  type StaticPropsValue,
} from '@activepieces/pieces-framework';
import { AppConnectionType } from '@activepieces/shared';
import type { awsSecretsAuth } from './auth.js';
import type { AwsSecretsAuthValue } from './manager.js';

/**
 * Runs one of the piece's actions outside an Activepieces worker — in a unit test or a script — the way the
 * engine does: the framework's mock context, with the connection as a `CUSTOM_AUTH` value and the step's props.
 * @example
 *   const auth = { region: 'eu-west-1', accessKeyId, secretAccessKey, endpoint: undefined };
 *   const output = await runAction(sendRequest, auth, {
 *     url: 'https://api.example.com/orders',
 *     method: 'GET',
 *     headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}' },
 *     body: undefined,
 *   });
 */
export function runAction<Props extends InputPropertyMap>(
  action: IAction<typeof awsSecretsAuth, Props>,
  auth: AwsSecretsAuthValue,
  propsValue: StaticPropsValue<Props>,
): Promise<unknown> {
  const context = createMockActionContext<Props>({ propsValue });
  return action.run({ ...context, auth: { type: AppConnectionType.CUSTOM_AUTH, props: auth } });
}
