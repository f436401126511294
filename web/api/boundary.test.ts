import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const webDir = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every import or re-export statement of a file, with the module it names. */
function imports(text: string): { statement: string; from: string }[] {
  const re = /^\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]/gms;
  return [...text.matchAll(re)].map((m) => ({ statement: m[0].trim(), from: m[1] }));
}

describe('the web bundle', () => {
  it('takes only types from the server code (engine/, workflows/, db/): `import type`, erased at build', () => {
    const offenders: string[] = [];
    let typeImports = 0;
    for (const file of sources(webDir)) {
      for (const imp of imports(readFileSync(file, 'utf8'))) {
        if (!/^(\.\.\/)+(engine|workflows|db)\//.test(imp.from)) continue;
        if (/^(import|export)\s+type\b/.test(imp.statement)) typeImports++;
        else offenders.push(`${relative(webDir, file)}: ${imp.statement.split('\n')[0]}`);
      }
    }
    expect(offenders).toEqual([]);
    // the types do come from the engine (web/api/types.ts), not from hand copies
    expect(typeImports).toBeGreaterThan(0);
  });

  it('recognises a value import from the engine as one', () => {
    const found = imports("import { compileJourney } from '../../engine/compiler/compile';\n");
    expect(found).toEqual([
      {
        statement: "import { compileJourney } from '../../engine/compiler/compile'",
        from: '../../engine/compiler/compile',
      },
    ]);
  });
});
