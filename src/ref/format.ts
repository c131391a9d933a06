import { SecretRefConfigError } from '../errors.js';
import type { SecretRef, SecretRefStyle } from '../types.js';
import { CLOUDFORMATION_PREFIX } from './parse.js';
import { ACTIVEPIECES_SEPARATOR } from './separator.js';
import { validateSecretRef } from './validate.js';

const STYLES: readonly SecretRefStyle[] = ['cloudformation', 'ecs', 'activepieces'];

/**
 * Options of {@link formatSecretRef}.
 * @example
 * const options: FormatSecretRefOptions = { style: 'activepieces' };
 * formatSecretRef({ manager: 'conn1', secretId: 'prod/api' }, options); // '{{conn1|ap_sep_v1|prod/api}}'
 */
export interface FormatSecretRefOptions {
  /**
   * The text form to write: `'cloudformation'` (`{{resolve:secretsmanager:…}}`), `'ecs'` (the bare
   * `valueFrom` form) or `'activepieces'` (`{{<manager>|ap_sep_v1|<secret-id>[:<json-key>]}}`).
   * @default 'cloudformation'
   */
  style?: SecretRefStyle;
}

function readStyle(options: unknown): SecretRefStyle {
  if (options === undefined) return 'cloudformation';
  if (typeof options !== 'object' || options === null) {
    throw new SecretRefConfigError('options', 'Option `options` must be an object');
  }
  const style = (options as { style?: unknown }).style;
  if (style === undefined) return 'cloudformation';
  if (!STYLES.includes(style as SecretRefStyle)) {
    throw new SecretRefConfigError(
      'style',
      `Option \`style\` must be "cloudformation", "ecs" or "activepieces", got ${typeof style === 'string' ? JSON.stringify(style.slice(0, 40)) : typeof style}`,
    );
  }
  return style as SecretRefStyle;
}

/**
 * Writes a {@link SecretRef} as canonical reference text, the shortest the style allows: trailing empty
 * segments are dropped, except that the `ecs` style writes all three (`<id>:<key>:<stage>:<id>`) as ECS does
 * once any is set. `parseSecretRef(formatSecretRef(ref, { style }))` deep-equals `ref`.
 *
 * Nothing is dropped silently: `manager` only fits the `activepieces` style (which in turn cannot carry a
 * version), a `jsonKey` with `:` only fits `activepieces`, and one with `}}` or a final `}` only fits `ecs`.
 *
 * @throws {SecretRefError} with code `invalid_reference` when `ref` is invalid or the style cannot express it.
 * @throws {SecretRefConfigError} for an unknown `style`.
 * @example
 * formatSecretRef({ secretId: 'db', jsonKey: 'password' }); // '{{resolve:secretsmanager:db:SecretString:password}}'
 * formatSecretRef({ secretId: 'db', jsonKey: 'password' }, { style: 'ecs' }); // 'db:password::'
 * formatSecretRef({ secretId: '/app/url', versionId: '3', service: 'ssm' }); // '{{resolve:ssm:/app/url:3}}'
 */
export function formatSecretRef(ref: SecretRef, options?: FormatSecretRefOptions): string {
  const style = readStyle(options);
  const clean = validateSecretRef(ref, style);
  if (clean.service !== undefined) {
    if (style === 'ecs') return clean.secretId;
    const selector = clean.versionId ?? clean.versionStage;
    return `{{resolve:${clean.service}:${clean.secretId}${selector === undefined ? '' : `:${selector}`}}}`;
  }
  const key = clean.jsonKey ?? '';
  const stage = clean.versionStage ?? '';
  const versionId = clean.versionId ?? '';
  if (style === 'activepieces') {
    const path = clean.jsonKey === undefined ? clean.secretId : `${clean.secretId}:${key}`;
    return `{{${clean.manager}${ACTIVEPIECES_SEPARATOR}${path}}}`;
  }
  if (style === 'ecs') {
    if (key === '' && stage === '' && versionId === '') return clean.secretId;
    return `${clean.secretId}:${key}:${stage}:${versionId}`;
  }
  let tail = '';
  if (versionId !== '') tail = `:SecretString:${key}:${stage}:${versionId}`;
  else if (stage !== '') tail = `:SecretString:${key}:${stage}`;
  else if (key !== '') tail = `:SecretString:${key}`;
  return `{{${CLOUDFORMATION_PREFIX}${clean.secretId}${tail}}}`;
}
