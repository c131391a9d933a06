import {
  createMockActionContext,
  type IAction,
  type InputPropertyMap,
  type StaticPropsValue,
} from '@activepieces/pieces-framework';
import { AppConnectionType } from '@activepieces/shared';
import type { awsSecretsAuth } from './auth.js';
import { deliverProps } from './engine-props.js';
import type { AwsSecretsAuthValue } from './manager.js';

/** What a step's props may be computed from: the outputs of the flow's earlier steps, by step name. */
export interface RunActionOptions {
  /** Outputs of earlier steps, as `{{trigger.body}}` or `{{step_1.output}}` would read them. */
  steps?: Record<string, unknown>;
}

/**
 * A step's props as typed in the flow builder: any prop may be given, as text with `{{…}}` tokens or as a value.
 * @example
 *   const typed: TypedProps<typeof sendRequest.props> = { url: 'https://api.example.com/{{trigger.path}}' };
 */
export type TypedProps<Props extends InputPropertyMap> = { [Name in keyof Props]?: unknown };

/**
 * Runs one of the piece's actions outside an Activepieces worker — in a unit test or a script — the way the engine
 * does: the props as typed into the step go through {@link deliverProps} first (every `{{…}}` evaluated, `''` where
 * that fails), then the framework's mock context runs the action with the connection as a `CUSTOM_AUTH` value. The
 * connection is not evaluated: the engine hands a step its connection's stored value as it is.
 * @example
 *   const auth = { region: 'eu-west-1', accessKeyId, secretAccessKey, endpoint: undefined };
 *   const output = await runAction(sendRequest, auth, {
 *     url: 'https://api.example.com/orders/{{trigger.id}}',
 *     method: 'GET',
 *     secretHeaders: [{ name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' }],
 *   }, { steps: { trigger: { id: 42 } } });
 */
export function runAction<Props extends InputPropertyMap>(
  action: IAction<typeof awsSecretsAuth, Props>,
  auth: AwsSecretsAuthValue,
  typedProps: TypedProps<Props>,
  options: RunActionOptions = {},
): Promise<unknown> {
  const propsValue = deliverProps(typedProps, options.steps) as StaticPropsValue<Props>;
  const context = createMockActionContext<Props>({ propsValue });
  return action.run({ ...context, auth: { type: AppConnectionType.CUSTOM_AUTH, props: auth } });
}
