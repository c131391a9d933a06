import type { Emit, SecretRequest } from '../../events.js';
import { errorName } from './error-names.js';

/** The part of an SDK command this module uses: its own middleware stack (the client's is left alone). */
interface ObservableCommand {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: 'build'; name: string },
    ): void;
  };
}

type Handler = (args: { input: unknown; request?: unknown }) => Promise<{ output?: unknown }>;

/**
 * Tells `emit` a `request` event when `command` ends: the action, how many ids it asked, the host, and from the SDK's
 * `$metadata` the HTTP status, request id and attempts. The middleware sits on the command, in the build step (the
 * request built, retries and signing still ahead), so it sees one whole call whatever the client, and a warm-up's
 * dry run on the client's stack never reaches it. Nothing of the input but counts is read; no value, no credential.
 */
export function observeRequest(
  command: object,
  emit: Emit,
  service: string,
  region: string | undefined,
): void {
  if (emit === undefined) return;
  (command as ObservableCommand).middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      const base: SecretRequest = {
        service,
        action: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
        ...idCount(args.input),
        ...(region === undefined ? {} : { region }),
        ...hostOf(args.request),
      };
      const tell = (metadata: unknown, error?: string): void =>
        emit({
          type: 'request',
          durationMs: performance.now() - started,
          request: { ...base, ...fromMetadata(metadata), ...(error === undefined ? {} : { error }) },
        });
      try {
        const result = await next(args);
        tell((result.output as { $metadata?: unknown } | undefined)?.$metadata);
        return result;
      } catch (error) {
        // The SDK's error, not trusted: only its name (when it looks like one) and its numbers are read.
        const record = (error ?? {}) as { name?: unknown; $metadata?: unknown };
        tell(record.$metadata, errorName(record.name));
        throw error;
      }
    },
    { step: 'build', name: 'secretRefsRequestEvent' },
  );
}

function idCount(input: unknown): { ids?: number } {
  const fields = (input ?? {}) as { SecretIdList?: unknown; SecretId?: unknown; Names?: unknown };
  if (Array.isArray(fields.SecretIdList)) return { ids: fields.SecretIdList.length };
  if (Array.isArray(fields.Names)) return { ids: fields.Names.length };
  if (typeof fields.SecretId === 'string') return { ids: 1 };
  return {};
}

function hostOf(request: unknown): { host?: string } {
  const { hostname, port } = (request ?? {}) as { hostname?: unknown; port?: unknown };
  if (typeof hostname !== 'string' || hostname === '') return {};
  return { host: typeof port === 'number' ? `${hostname}:${port}` : hostname };
}

/** What an SDK output or error carries in `$metadata` (the HTTP status, request id, attempts, retry wait). */
export function fromMetadata(metadata: unknown): Partial<SecretRequest> {
  const fields = (metadata ?? {}) as Record<string, unknown>;
  const { httpStatusCode, requestId, attempts, totalRetryDelay } = fields;
  return {
    ...(typeof httpStatusCode === 'number' ? { status: httpStatusCode } : {}),
    ...(typeof requestId === 'string' && /^[\w:./-]{1,200}$/.test(requestId) ? { requestId } : {}),
    ...(typeof attempts === 'number' ? { attempts } : {}),
    ...(typeof totalRetryDelay === 'number' ? { retryDelayMs: totalRetryDelay } : {}),
  };
}
