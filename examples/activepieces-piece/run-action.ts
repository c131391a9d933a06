import {
  createMockActionContext,
  type IAction,
  type InputPropertyMap,
  type StaticPropsValue,
} from '@activepieces/pieces-framework';
import { AppConnectionType } from '@activepieces/shared';
import type { awsSecretsAuth } from './auth.js';
import { deliverProps, type EngineScope } from './engine-props.js';
import type { AwsSecretsAuthValue } from './manager.js';

/** What a step's props are computed from (the outputs of earlier steps) and how the engine evaluates them. */
export type RunActionOptions = EngineScope;

/**
 * A step's props as typed in the flow builder: any prop may be given, as text with `{{…}}` tokens or as a value.
 * @example
 *   const typed: TypedProps<typeof sendRequest.props> = { url: 'https://api.example.com/{{trigger.output.path}}' };
 */
export type TypedProps<Props extends InputPropertyMap> = { [Name in keyof Props]?: unknown };

/**
 * Runs one of the piece's actions outside an Activepieces worker — in a unit test or a script — the way the engine
 * does: the props as typed into the step go through {@link deliverProps} first (every `{{…}}` evaluated over the
 * steps' `{ output, error }`, `''` where that fails, then each prop type's processor and validator), then the
 * framework's mock context runs the action with the connection as a `CUSTOM_AUTH` value, in `context.auth` and
 * `context.propsValue.auth`, as stored (the engine does not evaluate a connection's `{{…}}`).
 * @example
 *   const auth = { region: 'eu-west-1', accessKeyId, secretAccessKey, endpoint: undefined };
 *   const output = await runAction(sendRequest, auth, {
 *     url: 'https://api.example.com/orders/{{trigger.output.body.id}}',
 *     method: 'GET',
 *     secretHeaders: [{ name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' }],
 *   }, { steps: { trigger: { body: { id: 42 } } } });
 */
export function runAction<Props extends InputPropertyMap>(
  action: IAction<typeof awsSecretsAuth, Props>,
  auth: AwsSecretsAuthValue,
  typedProps: TypedProps<Props>,
  options: RunActionOptions = {},
): Promise<unknown> {
  const connection = { type: AppConnectionType.CUSTOM_AUTH as const, props: auth };
  const delivered = deliverProps(action.props, typedProps as Record<string, unknown>, connection, options);
  const context = createMockActionContext<Props>({
    propsValue: delivered.propsValue as StaticPropsValue<Props>,
  });
  return action.run({ ...context, auth: delivered.auth });
}
