// The layout is a promise: page code never pulls worker code into the page bundle, worker code never
// pulls page code into the worker, and shared/ stands on its own. Checked over the real import graph.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// Static imports, `import type`, re-exports and dynamic import() of relative paths.
const specifier = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import in src, as [importing file, imported file], paths relative to src. */
function importEdges(): [string, string][] {
  return sourceFiles(src).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(specifier)].map(([, path]): [string, string] => [
      relative(src, file),
      relative(src, resolve(dirname(file), (path as string).replace(/\.js$/, '.ts'))),
    ]),
  );
}

const area = (path: string): string => (path === 'index.ts' ? 'entry' : (path.split('/')[0] as string));

/** Which areas each area may import from. */
const allowed: Record<string, readonly string[]> = {
  entry: ['page', 'shared'],
  page: ['page', 'shared'],
  shared: ['shared'],
  worker: ['worker', 'shared'],
};

describe('import boundaries', () => {
  const edges = importEdges();

  it('finds the imports it checks (the check itself works)', () => {
    expect(edges).toContainEqual(['worker/host.ts', 'shared/errors.ts']);
    expect(edges).toContainEqual(['page/load.ts', 'page/worker-client.ts']);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('page/ never imports worker/, worker/ never imports page/, shared/ imports only shared/', () => {
    const crossing = edges.filter(([from, to]) => !(allowed[area(from)] ?? []).includes(area(to)));
    expect(crossing).toEqual([]);
  });

  it('engines know nothing of Comlink, batching or the host', () => {
    const engineFiles = sourceFiles(join(src, 'worker/engines')).map((file) => relative(src, file));
    const leaks = engineFiles.flatMap((file) => {
      const text = readFileSync(join(src, file), 'utf8');
      return [
        ...(/from ['"]comlink['"]/.test(text) ? [`${file} imports comlink`] : []),
        ...edges
          .filter(([from, to]) => from === file && /^worker\/(batching\/|host\.ts)/.test(to))
          .map(([, to]) => `${file} imports ${to}`),
      ];
    });
    expect(leaks).toEqual([]);
  });
});
