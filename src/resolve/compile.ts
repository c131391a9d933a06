import { checkOptionsObject, throwIfAborted } from '../abort.js';
import { copyContainers, type Plan, planConnection } from './compile-plan.js';
import type { EncodeOption } from './encode.js';
import type { FoundSecretRef } from './find.js';
import type { SecretManagers } from './managers.js';
import {
  type Resolution,
  type ResolveConnectionOptions,
  readAndSubstitute,
  readOptions,
  readValueOptions,
  type SettledResolution,
  settle,
  type ValueOptions,
  valueOrThrow,
} from './resolve-connection.js';
import type { WalkOptions } from './walk.js';

/**
 * Options of {@link compileConnection}: how deep it may walk, and the defaults of its resolves.
 * @example
 *   const options: CompileConnectionOptions = { encode: 'uri', keepJsonTypes: true };
 *   const compiled = compileConnection(connection, options);
 */
export interface CompileConnectionOptions extends WalkOptions {
  /** The `encode` of every resolve that gives none; see {@link ResolveConnectionOptions.encode}. */
  encode?: EncodeOption;
  /** The `keepJsonTypes` of every resolve that gives none; see {@link ResolveConnectionOptions.keepJsonTypes}. */
  keepJsonTypes?: boolean;
}

/**
 * Options of a compiled connection's resolves: those of `resolveConnection`, but `maxDepth` (the walk is done).
 * @example
 *   const options: CompiledResolveOptions = { signal: AbortSignal.timeout(2_000), defaultManager: 'prod' };
 *   await compiled.resolve(managers, options);
 */
export type CompiledResolveOptions = Omit<ResolveConnectionOptions, 'maxDepth'>;

/**
 * A connection whose references were found and checked once; see {@link compileConnection}.
 * @example
 *   const compiled: CompiledConnection<typeof connection> = compileConnection(connection);
 *   const auth = await compiled.resolve(manager);
 */
export interface CompiledConnection<T> {
  /** Every reference found, with its path (malformed ones with their `error`), in walk order; frozen. */
  readonly refs: readonly FoundSecretRef[];
  /** What `resolveConnection(connection, managers, options)` gives for the connection as it was compiled. */
  resolve(managers: SecretManagers, options?: CompiledResolveOptions): Promise<T>;
  /** What `resolveConnectionSettled` gives for the connection as it was compiled. */
  resolveSettled(managers: SecretManagers, options?: CompiledResolveOptions): Promise<SettledResolution<T>>;
}

/**
 * Prepares a connection that is resolved again and again: walks it once, checks every reference, and keeps a
 * private snapshot of its plain data (objects and arrays copied; other values — Dates, Buffers, class instances —
 * kept by reference, as `resolveConnection` passes them through). Later changes to `connection` are not seen:
 * compile it again. Each `resolve` gives what `resolveConnection` gives for the connection as compiled — the same
 * value, errors, issues, manager calls and cache stats — through a precomputed plan: one cache read per distinct
 * reference, the snapshot's containers copied, the strings holding references rewritten. It throws what
 * `resolveConnection` throws for refused input (`invalid_input`) and bad options, at once.
 * @example
 *   const compiled = compileConnection({ apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', timeoutMs: 5_000 });
 *   compiled.refs.map((found) => found.text); // ['{{conn1|ap_sep_v1|prod/api:key}}']
 *   const auth = await compiled.resolve(manager); // { apiKey: 'ak-…', timeoutMs: 5000 }
 */
export function compileConnection<T>(
  connection: T,
  options: CompileConnectionOptions = {},
): CompiledConnection<T> {
  checkOptionsObject(options);
  const compiled = readValueOptions(options);
  return new Compiled<T>(planConnection(connection, compiled.maxDepth), compiled);
}

class Compiled<T> implements CompiledConnection<T> {
  readonly #plan: Plan;
  readonly #compiled: ValueOptions;
  /** The options of a resolve given none: `undefined` (a plain resolve's defaults) unless compiled with some. */
  readonly #defaults: ResolveConnectionOptions | undefined;

  constructor(plan: Plan, compiled: ValueOptions) {
    this.#plan = plan;
    this.#compiled = compiled;
    this.#defaults = compiled.encode === undefined && !compiled.keepJsonTypes ? undefined : this.#merge({});
  }

  get refs(): readonly FoundSecretRef[] {
    return this.#plan.found;
  }

  resolve(managers: SecretManagers, options?: CompiledResolveOptions): Promise<T> {
    return this.#run(managers, options, false, valueOrThrow);
  }

  resolveSettled(managers: SecretManagers, options?: CompiledResolveOptions): Promise<SettledResolution<T>> {
    return this.#run(managers, options, true, settle);
  }

  #merge(options: CompiledResolveOptions): ResolveConnectionOptions {
    const { encode, keepJsonTypes, maxDepth } = this.#compiled;
    return {
      ...options,
      encode: options.encode === undefined ? encode : options.encode,
      keepJsonTypes: options.keepJsonTypes === undefined ? keepJsonTypes : options.keepJsonTypes,
      maxDepth,
    };
  }

  /** What `resolveWith` does, with the walk replaced by the plan: copy the containers, rewrite the strings. */
  #run<R>(
    managers: SecretManagers,
    options: CompiledResolveOptions | undefined,
    settled: boolean,
    finish: (resolution: Resolution<T>) => R,
  ): Promise<R> {
    try {
      if (options !== undefined) checkOptionsObject(options);
      const read = readOptions(managers, options === undefined ? this.#defaults : this.#merge(options));
      throwIfAborted(read.signal);
      const plan = this.#plan;
      const copies = copyContainers(plan);
      const root = copies.length > 0 ? copies[0] : plan.snapshot;
      return readAndSubstitute(root as T, plan.strings, plan.refs, read, settled, finish, copies);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
