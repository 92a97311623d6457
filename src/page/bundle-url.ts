import { WebinferError } from '../shared/errors.js';

// A classic <script> (the IIFE build) knows its own URL only while its top level runs, so read it now.
const scriptUrl =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement
    ? document.currentScript.src
    : undefined;

/**
 * Where the worker sits when load() is given no baseUrl. The ES module build answers undefined: it
 * starts its worker through a literal `new URL('./webinfer.worker.js', import.meta.url)`, which an app's
 * bundler sees and rewrites. The IIFE build (whose import.meta.url the build defines as undefined)
 * answers the folder its <script> was served from.
 */
export function scriptBaseUrl(): URL | undefined {
  if (import.meta.url !== undefined) return undefined;
  if (!scriptUrl) {
    throw new WebinferError("webinfer could not tell which URL it was loaded from; pass load()'s baseUrl option");
  }
  return new URL('./', scriptUrl);
}
