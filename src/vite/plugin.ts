// `webinfer/vite`: a Vite plugin for what Vite does not do untouched. Vite 8 runs webinfer as it is,
// dev and build, but builds workers as one IIFE file unless told otherwise, which folds TF.js's engine
// into the worker that every page downloads, ONNX-only ones too: with `worker.format: 'es'`, each
// engine stays a chunk of its own, fetched only by a page whose models need it. Vite 7 needs both
// settings: its build refuses a worker with dynamic imports as IIFE, and its dev pre-bundler moves
// webinfer's module away from the worker file beside it.

/** The part of Vite's config this plugin sets (structural, so webinfer does not depend on Vite). */
interface WebinferViteConfig {
  worker?: { format?: 'es' | 'iife' } | undefined;
  optimizeDeps?: { exclude?: string[] | undefined } | undefined;
}

/** The shape of a Vite plugin that sets config. */
export interface WebinferVitePlugin {
  name: string;
  config(config: WebinferViteConfig): WebinferViteConfig;
}

/**
 * Builds webinfer's worker as an ES module, code-split (unless the app chose a worker format itself),
 * and serves webinfer in dev as it is published, not pre-bundled.
 */
export default function webinfer(): WebinferVitePlugin {
  return {
    name: 'webinfer',
    config: (config) => ({
      ...(config.worker?.format === undefined ? { worker: { format: 'es' } } : {}),
      optimizeDeps: { exclude: ['webinfer'] },
    }),
  };
}
