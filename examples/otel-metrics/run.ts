/**
 * OpenTelemetry metrics from a manager's events: reads, a rotation seen by a re-read, an invalidation and a
 * failure, then the counters and the fetch-duration histogram printed. Run: `npx tsx examples/otel-metrics/run.ts`.
 *
 * `@opentelemetry/api` is a dev dependency of this repository for this example only; secret-refs itself does not
 * depend on it.
 */
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { createMemoryProvider, createSecretManager } from 'secret-refs';
import { secretRefsMetrics } from './metrics.js';
import { createRecordingMeter } from './recording-meter.js';

const PASSWORD = 'example-password-never-in-metrics';
const { meter, measurements } = createRecordingMeter();
metrics.setGlobalMeterProvider({ getMeter: () => meter });

const provider = createMemoryProvider(
  { 'prod/db': JSON.stringify({ password: PASSWORD }) },
  { latencyMs: 5 },
);
const manager = createSecretManager(provider, {
  onEvent: secretRefsMetrics(metrics.getMeter('secret-refs-example'), { withSecretId: true }),
});

await manager.getSecret('prod/db:password'); // miss, fetch
await manager.getSecret('prod/db:password'); // hit
await manager.getSecret('prod/db:password'); // hit
provider.setSecret('prod/db', JSON.stringify({ password: `${PASSWORD}-2` }));
await manager.getSecret('prod/db:password', { refresh: true }); // fetch past the cache: changed
manager.invalidate('prod/db'); // invalidated
await manager.getSecret('prod/missing').catch(() => undefined); // error

const totals = new Map<string, number>();
for (const { instrument, value } of measurements) {
  if (instrument !== 'secret_refs.fetch.duration')
    totals.set(instrument, (totals.get(instrument) ?? 0) + value);
}
const durations = measurements
  .filter((m) => m.instrument === 'secret_refs.fetch.duration')
  .map((m) => m.value);
console.log('counters:', Object.fromEntries([...totals].sort()));
console.log(
  `secret_refs.fetch.duration: ${durations.length} records, ${durations.map((d) => `${d.toFixed(1)} ms`).join(', ')}`,
);

assert.equal(totals.get('secret_refs.hit'), 2);
assert.ok((totals.get('secret_refs.fetch') ?? 0) >= 2, 'the first read and the refresh each fetch');
assert.equal(totals.get('secret_refs.changed'), 1, 'the re-read found another version');
assert.ok((totals.get('secret_refs.invalidated') ?? 0) >= 1);
assert.ok((totals.get('secret_refs.error') ?? 0) >= 1);
assert.ok(durations.length >= 2 && durations.every((d) => d >= 0));
assert.ok(!JSON.stringify(measurements).includes(PASSWORD), 'no secret value in any metric');
console.log('otel-metrics: events became counters and a histogram; no value in any attribute');
