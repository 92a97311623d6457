// Where the example apps live and where their test builds go.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const examplesDir = join(repoRoot, 'examples');
export const buildDir = join(repoRoot, '.build', 'examples');
/** Vite 7, installed apart from the repo's Vite 8. */
export const vite7Dir = join(buildDir, 'vite7-tool');

// Beside the suite's own server (PORT, default 4173): PORT + 100 onwards, a plain and an isolated port per app.
const base = Number(process.env.PORT ?? 4173) + 100;
export const examplePorts = {
  vite: { plain: base, isolated: base + 1 },
  viteNoConfig: { plain: base + 2, isolated: base + 3 },
  webpack: { plain: base + 4, isolated: base + 5 },
  viteDev: { plain: base + 6, isolated: base + 7 },
  vite7: { plain: base + 8, isolated: base + 9 },
  vite7Dev: { plain: base + 10, isolated: base + 11 },
  viteDevNoConfig: { plain: base + 12, isolated: base + 13 },
};

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
