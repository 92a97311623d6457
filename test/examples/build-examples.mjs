// Builds the example apps of examples/ the way a user would: from the packed SDK (npm pack), installed
// into a copy of each app, bundled by the app's own bundler with the app's own config. The bundlers
// are the repo's (the same versions the examples ask for), so that nothing but the tarball installs.
// Usage: node test/examples/build-examples.mjs   (after `npm run build`); output in .build/examples/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, examplesDir, repoRoot, vite7Dir } from './layout.mjs';

const run = (cwd, command, args) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 120_000 });

function pack() {
  const [{ filename }] = JSON.parse(run(repoRoot, 'npm', ['pack', '--json', '--pack-destination', buildDir]));
  return join(buildDir, filename);
}

/** A copy of examples/<name> whose only dependency is the tarball, installed. */
function install(name, tarball, into = name) {
  const app = join(buildDir, into);
  cpSync(join(examplesDir, name), app, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  manifest.dependencies.webinfer = `file:${tarball}`;
  delete manifest.devDependencies; // the repo's own bundlers, resolved from its node_modules
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  run(app, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--loglevel=error']);
  const installed = readdirSync(join(app, 'node_modules')).filter((entry) => !entry.startsWith('.'));
  if (installed.join() !== 'webinfer') {
    throw new Error(`installing webinfer into an app installed more than webinfer: ${installed.join(', ')}`);
  }
  return app;
}

function duBytes(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + duBytes(join(path, entry)), 0);
}

const bin = (pkg, file) => join(repoRoot, 'node_modules', pkg, file);

rmSync(buildDir, { recursive: true, force: true });
mkdirSync(buildDir, { recursive: true });
const tarball = pack();

const vite = install('vite', tarball);
run(vite, process.execPath, [bin('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn']);

// The same app with no config at all: what a user gets before reading about webinfer/vite.
const vitePlain = install('vite', tarball, 'vite-no-config');
rmSync(join(vitePlain, 'vite.config.js'));
run(vitePlain, process.execPath, [bin('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn']);

// Vite 7, with webinfer/vite: its build and dev server need the plugin's two settings. It installs
// into a folder of its own (the repo has Vite 8), from the npm cache where it is there.
mkdirSync(vite7Dir);
writeFileSync(join(vite7Dir, 'package.json'), '{ "name": "vite7-tool", "private": true }');
run(vite7Dir, 'npm', [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--no-package-lock',
  '--loglevel=error',
  'vite@^7.3.8',
]);
const vite7 = install('vite', tarball, 'vite7');
run(vite7, process.execPath, [join(vite7Dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);

const webpack = install('webpack', tarball);
run(webpack, process.execPath, [bin('webpack-cli', 'bin/cli.js'), '--no-stats']);

const sizes = {
  tarball: statSync(tarball).size,
  installed: duBytes(join(vite, 'node_modules', 'webinfer')),
  viteBuild: duBytes(join(vite, 'dist')),
  webpackBuild: duBytes(join(webpack, 'dist')),
};
writeFileSync(join(buildDir, 'sizes.json'), JSON.stringify(sizes, null, 2));
console.log(`examples built in ${buildDir}: ${JSON.stringify(sizes)}`);
