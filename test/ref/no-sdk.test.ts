import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { moduleGraph, SRC } from '../support/module-graph.js';

const ENTRIES = ['ref/parse.ts', 'ref/format.ts', 'ref/scan.ts', 'ref/validate.ts'];

describe('the reference grammar', () => {
  it('loads no module outside src/ — in particular no @aws-sdk or @smithy package', () => {
    const { files, external } = moduleGraph(ENTRIES);
    expect([...external]).toStrictEqual([]);
    expect(files.has(resolve(SRC, 'errors.ts'))).toBe(true);
    expect([...files].every((file) => file.startsWith(SRC))).toBe(true);
  });

  it('reads JSON keys with lossless-json (exact numbers) and nothing else from outside src/', () => {
    const { files, external } = moduleGraph(['ref/json-key.ts', 'ref/json-text.ts']);
    expect([...external]).toStrictEqual(['lossless-json']);
    expect([...files].every((file) => file.startsWith(SRC))).toBe(true);
  });

  it('the check sees through type-only imports and catches dynamic ones', () => {
    const specifiers = (code: string) =>
      ts
        .preProcessFile(
          ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext } }).outputText,
          true,
          true,
        )
        .importedFiles.map((imported) => imported.fileName);
    expect(specifiers("import type { X } from '@aws-sdk/a'; export const y: X | 1 = 1;")).toStrictEqual([]);
    expect(specifiers("export const load = () => import('@aws-sdk/b');")).toStrictEqual(['@aws-sdk/b']);
    expect(specifiers("import { C } from '@aws-sdk/c'; export const c = new C();")).toStrictEqual([
      '@aws-sdk/c',
    ]);
  });
});
