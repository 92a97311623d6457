import { WebinferError } from '../shared/errors.js';

// A classic <script> (the IIFE build) knows its own URL only while its top level runs, so read it now.
const scriptUrl =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement
    ? document.currentScript.src
    : undefined;

/** The folder this bundle was served from: where its worker and runtime files sit beside it. */
export function bundleBaseUrl(): URL {
  // The IIFE build has no import.meta: the build defines its url as undefined.
  const here = scriptUrl || import.meta.url;
  if (!here) {
    throw new WebinferError("webinfer could not tell which URL it was loaded from; pass load()'s baseUrl option");
  }
  return new URL('./', here);
}
