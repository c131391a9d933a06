/**
 * Turns the events of a secret-refs manager into OpenTelemetry metrics: one counter per event type, and a histogram
 * of fetch durations. Attributes are the tier, the error code and (only when asked) the secret id — never a value:
 * events carry none.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { SecretManagerOptions } from 'secret-refs';

/** The event a manager's `onEvent` is told. */
export type SecretEvent = Parameters<NonNullable<SecretManagerOptions['onEvent']>>[0];

/** The event types the manager emits, each with its counter `secret_refs.<type>`. */
export const EVENT_TYPES = [
  'hit',
  'miss',
  'fetch',
  'stale',
  'refresh',
  'changed',
  'invalidated',
  'error',
] as const;

/** Options of {@link secretRefsMetrics}. */
export interface SecretRefsMetricsOptions {
  /**
   * Adds `secret.id` to the attributes. Secret ids are names, not values, but they multiply the series a backend
   * keeps (one per secret), and some teams treat names as sensitive: off unless you want it.
   * @default false
   */
  withSecretId?: boolean;
}

/**
 * An `onEvent` handler that records every event on `meter`.
 * @example
 *   const manager = createAwsSecretsManager({
 *     region: 'eu-west-1',
 *     onEvent: secretRefsMetrics(metrics.getMeter('secret-refs')),
 *   });
 */
export function secretRefsMetrics(
  meter: Meter,
  options: SecretRefsMetricsOptions = {},
): (event: SecretEvent) => void {
  const counters = new Map<string, Counter>(
    EVENT_TYPES.map((type) => [
      type,
      meter.createCounter(`secret_refs.${type}`, {
        description: `secret-refs ${type} events`,
        unit: '{event}',
      }),
    ]),
  );
  const fetchDuration: Histogram = meter.createHistogram('secret_refs.fetch.duration', {
    description: 'How long the secret store took to answer a fetch',
    unit: 'ms',
  });
  return (event) => {
    const attributes: Attributes = {};
    if (event.tier !== undefined) attributes['secret_refs.tier'] = event.tier;
    if (event.code !== undefined) attributes['error.type'] = event.code;
    if (event.type === 'refresh' && event.ok !== undefined) attributes['secret_refs.ok'] = event.ok;
    if (event.type === 'invalidated' && event.source !== undefined)
      attributes['secret_refs.source'] = event.source;
    if (options.withSecretId === true && event.secretId !== undefined)
      attributes['secret.id'] = event.secretId;
    counters.get(event.type)?.add(1, attributes);
    if (event.type === 'fetch' && event.durationMs !== undefined)
      fetchDuration.record(event.durationMs, attributes);
  };
}
