import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SRC } from '../support/module-graph.js';

const PROVIDER = join(SRC, 'provider');

/** Every `.ts` file under `folder`. */
function sources(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file));
}

/** The `src/` files a module names, type-only imports included: a type is a dependency too. */
function localImports(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(dirname(file), specifier)));
}

describe('the provider layer', () => {
  it('imports neither the manager, nor the cache, nor resolve (data flows one way)', () => {
    const files = sources(PROVIDER);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const upward = localImports(file).filter((path) => /^(?:manager|cache|resolve)\//.test(path));
      expect(upward, relative(SRC, file)).toStrictEqual([]);
    }
  });
});
