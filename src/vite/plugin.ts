// `webinfer/vite`: a Vite plugin for apps that want webinfer's worker code-split. Vite builds workers
// as one IIFE file unless told otherwise, which folds TF.js's engine into the worker that every page
// downloads, ONNX-only ones too; with `worker.format: 'es'`, each engine stays a chunk of its own,
// fetched only by a page whose models need it. Nothing else needs it: webinfer works without.

/** The part of Vite's config this plugin reads (structural, so webinfer does not depend on Vite). */
interface WorkerFormatConfig {
  worker?: { format?: 'es' | 'iife' } | undefined;
}

/** The shape of a Vite plugin that sets config. */
export interface WebinferVitePlugin {
  name: string;
  config(config: WorkerFormatConfig): WorkerFormatConfig | undefined;
}

/** Builds webinfer's worker as an ES module, code-split, unless the app chose a worker format itself. */
export default function webinfer(): WebinferVitePlugin {
  return {
    name: 'webinfer',
    config: (config) => (config.worker?.format === undefined ? { worker: { format: 'es' } } : undefined),
  };
}
