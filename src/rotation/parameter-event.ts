/**
 * Parameter Store change events (`source` `aws.ssm`, `detail-type` "Parameter Store Change"): the parameter's name
 * in `detail.name`, its ARN in `resources[0]`, the change in `detail.operation` (Create, Update, Delete,
 * LabelParameterVersion, …). Every operation may change what a reference reads, so each one invalidates.
 */
export const PARAMETER_STORE_SOURCE = 'aws.ssm';
export const PARAMETER_STORE_CHANGE = 'Parameter Store Change';

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    // The event is not trusted: a getter may throw.
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' && value.length <= 2048 ? value : undefined;

/** The ids a Parameter Store change event names, or why it is ignored; `undefined` for another source. */
export function readParameterEvent(
  event: unknown,
):
  | { eventName: string; ids: (string | undefined)[] }
  | { reason: 'not_a_change'; eventName?: string }
  | undefined {
  if (field(event, 'source') !== PARAMETER_STORE_SOURCE) return undefined;
  if (field(event, 'detail-type') !== PARAMETER_STORE_CHANGE) return { reason: 'not_a_change' };
  const resources = field(event, 'resources');
  const arn = Array.isArray(resources) ? resources.find((r) => typeof r === 'string') : undefined;
  return { eventName: PARAMETER_STORE_CHANGE, ids: [text(arn), text(field(field(event, 'detail'), 'name'))] };
}
