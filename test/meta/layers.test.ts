/**
 * Which module may import which, read from the sources with TypeScript's own parser: the seams issue 14 drew
 * (a leaf core, rendering that needs only the finding, src/ that never reaches into handlers/ or test/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Import {
  /** Repository-relative path of the imported module, or the package name. */
  readonly target: string;
  /** `import type` / `export type`: erased from the JavaScript. */
  readonly typeOnly: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean): void => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const text = specifier.text;
    const target = text.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), text)) : text;
    found.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function violations(files: readonly string[], forbidden: (i: Import, file: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((i) => forbidden(i, file))
      .map((i) => `${file} → ${i.target}${i.typeOnly ? ' (type)' : ''}`),
  );
}

const under = (dir: string) => (target: string) => target === dir || target.startsWith(`${dir}/`);

describe('module layers', () => {
  it('src/core is a leaf: it runs nothing from outside itself, and names only the types of the rule contract', () => {
    // The rule contract names what a rule receives: the baseline, the event's subject, its per-record inputs.
    const contractTypes = ['src/baseline/baseline.ts', 'src/events/subjects/index.ts', 'src/rules/inputs.ts'];
    expect(
      violations(
        filesUnder('src/core'),
        (i) =>
          i.target.startsWith('src/') &&
          !under('src/core')(i.target) &&
          !(i.typeOnly && contractTypes.includes(i.target)),
      ),
    ).toEqual([]);
  });

  it('rendering needs only the finding: src/notify imports neither the rules nor the sweep', () => {
    expect(
      violations(
        filesUnder('src/notify'),
        (i) => under('src/rules')(i.target) || under('src/sweep')(i.target),
      ),
    ).toEqual([]);
  });

  it('src/ never reaches into handlers/, scripts/ or test/', () => {
    expect(
      violations(
        filesUnder('src'),
        (i) => under('handlers')(i.target) || under('scripts')(i.target) || under('test')(i.target),
      ),
    ).toEqual([]);
  });

  it('the demo and the scripts import no test module (their fixtures live in scripts/lib)', () => {
    expect(violations(filesUnder('scripts'), (i) => under('test')(i.target))).toEqual([]);
  });
});
