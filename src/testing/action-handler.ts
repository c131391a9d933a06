import type { Input } from './input.js';
import type { SecretStore } from './store.js';

/** What a Secrets Manager handler may consult besides its input. */
export interface ActionContext {
  store: SecretStore;
  /** Actions denied to the caller (IAM-style). */
  denied: ReadonlySet<string>;
  /** ARN of the caller, for AccessDenied messages. */
  principal: string;
}

/** Answers one operation: the JSON response body, or a thrown `AwsError`. */
export type ActionHandler = (input: Input, ctx: ActionContext) => Record<string, unknown>;
