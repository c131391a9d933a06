/** The parts of a smithy `HttpHandler` that the deadline wraps; every other property is passed through. */
interface HttpHandlerLike {
  handle(
    request: unknown,
    options?: { abortSignal?: AbortSignal; [key: string]: unknown },
  ): Promise<{
    response: { body?: unknown };
  }>;
  destroy?(): void;
}

interface BodyStream {
  destroy(error?: Error): void;
  once(event: string, listener: () => void): void;
  readableEnded?: boolean;
  destroyed?: boolean;
}

function isBodyStream(body: unknown): body is BodyStream {
  return (
    body !== null &&
    typeof body === 'object' &&
    typeof (body as BodyStream).destroy === 'function' &&
    typeof (body as BodyStream).once === 'function'
  );
}

/** The error an attempt ends with at its deadline: named `TimeoutError`, which the SDK's retry strategy retries. */
function deadlineError(timeoutMs: number): Error {
  const error = new Error(`The attempt did not complete within ${timeoutMs} ms (requestTimeoutMs)`);
  error.name = 'TimeoutError';
  return error;
}

/**
 * Wraps the SDK client's HTTP handler so that each attempt — connecting, sending, and reading the whole answer —
 * ends after `timeoutMs`, however slowly the endpoint trickles bytes (the Node handler's own `requestTimeout` is an
 * idle timeout: it restarts on every byte). The SDK calls the handler once per attempt, so the deadline is per
 * attempt and the SDK's retry strategy still decides whether to try again; a call ends within about
 * `maxAttempts × timeoutMs` plus backoff. An attempt past its deadline is aborted (its socket closed) and fails
 * with a `TimeoutError`; the caller's own abort signal still aborts it as before.
 */
export function withAttemptDeadline<Handler extends HttpHandlerLike>(
  inner: Handler,
  timeoutMs: number,
): Handler {
  const handle: HttpHandlerLike['handle'] = async (request, options = {}) => {
    const controller = new AbortController();
    const callerSignal = options.abortSignal;
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    let body: BodyStream | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = deadlineError(timeoutMs);
      body?.destroy(error);
      controller.abort(error);
    }, timeoutMs);
    // The attempt's socket keeps the process alive while it runs; the timer alone must not.
    timer.unref();
    const settle = (): void => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const result = await inner.handle(request, { ...options, abortSignal: controller.signal });
      const stream = result.response.body;
      if (!isBodyStream(stream) || stream.readableEnded === true || stream.destroyed === true) {
        settle();
      } else {
        body = stream;
        stream.once('close', settle);
        stream.once('end', settle);
      }
      return result;
    } catch (error) {
      // The SDK's send may fail in any way: the timer is released, and a deadline that fired is named.
      settle();
      throw timedOut && !callerSignal?.aborted ? deadlineError(timeoutMs) : error;
    }
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'handle') return handle;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
