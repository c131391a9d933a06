/**
 * A Meter that keeps what is recorded in memory, so the example can show (and check) its metrics without an
 * exporter. In an application, register the OpenTelemetry SDK's MeterProvider instead (see README.md).
 */
import { type Attributes, createNoopMeter, type Meter } from '@opentelemetry/api';

/** One recorded measurement. */
export interface Measurement {
  instrument: string;
  value: number;
  attributes: Attributes;
}

/** A {@link Meter} whose counters and histograms append to `measurements`; other instruments do nothing. */
export function createRecordingMeter(): { meter: Meter; measurements: Measurement[] } {
  const measurements: Measurement[] = [];
  const noop = createNoopMeter();
  const record =
    (instrument: string) =>
    (value: number, attributes: Attributes = {}) => {
      measurements.push({ instrument, value, attributes: { ...attributes } });
    };
  const meter: Meter = {
    ...noop,
    createCounter: (name) => ({ add: record(name) }),
    createHistogram: (name) => ({ record: record(name) }),
    createGauge: noop.createGauge.bind(noop),
    createUpDownCounter: noop.createUpDownCounter.bind(noop),
    createObservableGauge: noop.createObservableGauge.bind(noop),
    createObservableCounter: noop.createObservableCounter.bind(noop),
    createObservableUpDownCounter: noop.createObservableUpDownCounter.bind(noop),
    addBatchObservableCallback: noop.addBatchObservableCallback.bind(noop),
    removeBatchObservableCallback: noop.removeBatchObservableCallback.bind(noop),
  };
  return { meter, measurements };
}
