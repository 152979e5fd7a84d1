// The rooms of src/ import one way: no cycle between folders (or top-level files), and
// the lower rooms (sources/, ui/) never reach up into the views or the hub.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A file's room: its folder under src/ ('sources', 'ui'…), or the file itself at the top. */
function roomOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length > 1 ? `${relative[0]}/` : relative[0].replace(/\.ts$/, '');
}

/** Every room's imports of other rooms of src/ (type-only imports too: they are design). */
function roomImports(files: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = roomOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) {
        continue; // a package, not one of our rooms
      }
      const resolved = path.resolve(path.dirname(file), fileName);
      if (!resolved.startsWith(SRC + path.sep)) {
        continue; // package.json, read for the version
      }
      const to = roomOf(
        fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()
          ? path.join(resolved, 'index.ts')
          : `${resolved}.ts`
      );
      if (to !== from) {
        targets.add(to);
      }
    }
  }
  return graph;
}

/** The first cycle found, as the rooms along it ('widget/ → ui/ → widget/'), or null. */
function findCycle(graph: Map<string, Set<string>>): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (room: string): string | null => {
    if (state.get(room) === 'open') {
      return [...trail.slice(trail.indexOf(room)), room].join(' → ');
    }
    if (state.get(room) === 'done') {
      return null;
    }
    state.set(room, 'open');
    trail.push(room);
    for (const next of graph.get(room) ?? []) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    trail.pop();
    state.set(room, 'done');
    return null;
  };
  for (const room of graph.keys()) {
    const cycle = visit(room);
    if (cycle) {
      return cycle;
    }
  }
  return null;
}

describe('the rooms of src/', () => {
  const graph = roomImports(sourceFiles(SRC));

  test('the check sees every room and finds a cycle when there is one', () => {
    for (const room of ['sources/', 'ui/', 'widget/', 'monitor/', 'hub', 'forwarder', 'comm', 'index']) {
      expect(graph.has(room)).toBe(true);
    }
    const withCycle = new Map([...graph, ['sources/', new Set([...graph.get('sources/')!, 'widget/'])]]);
    expect(findCycle(withCycle)).toMatch(/sources\/ → .*widget\/ → .*sources\//);
  });

  test('no two rooms import each other, directly or around a loop', () => {
    expect(findCycle(graph)).toBeNull();
  });

  test('sources/ and ui/ reach no view, no hub and no plugin', () => {
    const above = ['widget/', 'monitor/', 'hub', 'index'];
    expect([...graph.get('sources/')!].filter(room => above.includes(room))).toEqual([]);
    expect([...graph.get('ui/')!].filter(room => above.includes(room))).toEqual([]);
  });
});
