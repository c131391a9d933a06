import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const ENTRIES = ['ref/parse.ts', 'ref/format.ts', 'ref/scan.ts', 'ref/validate.ts'];

/**
 * Specifiers a module loads at run time: the file is compiled the way a bundler or tsx would (type-only
 * imports erased), then every static `import`, `export … from` and dynamic `import()` is listed.
 */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return ts.preProcessFile(outputText, true, true).importedFiles.map((imported) => imported.fileName);
}

/** Every module reachable from the entries, and every specifier that is not a relative file. */
function moduleGraph(entries: string[]): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const pending = entries.map((entry) => resolve(SRC, entry));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.add(specifier);
    }
  }
  return { files, external };
}

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
