import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository's `src/` folder. */
export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

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

/** Every module reachable from the entries (paths relative to `src/`), and every specifier that is not a file. */
export function moduleGraph(entries: string[]): { files: Set<string>; external: Set<string> } {
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
