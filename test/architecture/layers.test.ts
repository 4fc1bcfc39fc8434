import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', '..', 'lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { return sourceFiles(full); }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Every relative import of each file under lib/, resolved to a file. With `types: false`,
 * `import type` lines (erased when compiled) are left out.
 */
function importGraph(types: boolean): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(LIB)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(import type|import|export)\b[^;]*?from '(\.{1,2}\/[^']+)'/gms)]
      .filter((m) => types || m[1] !== 'import type').map((m) => {
      const base = path.resolve(path.dirname(file), m[2]);
      return fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts');
    });
    graph.set(path.relative(LIB, file), targets.map((t) => path.relative(LIB, t)));
  }
  return graph;
}

describe('layers of lib/', () => {
  const graph = importGraph(true);

  test('the graph was read: the cluster imports the layers below it', () => {
    expect(graph.get(path.join('cluster', 'hardened-eks-cluster.ts'))).toEqual(expect.arrayContaining([
      path.join('nodes', 'hardened-node-group.ts'), path.join('manifests', 'hardened-namespace.ts'), path.join('core', 'hardened-cluster.ts'),
    ]));
  });

  test('nothing outside lib/cluster imports lib/cluster (the cluster sits on top)', () => {
    const upward = [...graph].flatMap(([file, targets]) => (file.startsWith(`cluster${path.sep}`) || file === 'index.ts' ? [] :
      targets.filter((t) => t.startsWith(`cluster${path.sep}`)).map((t) => `${file} -> ${t}`)));
    expect(upward).toEqual([]);
  });

  test('no import cycle between files at run time', () => {
    const runtime = importGraph(false);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') { return; }
      if (state.get(file) === 'open') { cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> ')); return; }
      state.set(file, 'open');
      for (const next of runtime.get(file) ?? []) { visit(next, [...trail, file]); }
      state.set(file, 'done');
    };
    for (const file of runtime.keys()) { visit(file, []); }
    expect(cycles).toEqual([]);
  });
});
