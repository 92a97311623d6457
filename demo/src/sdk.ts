// The SDK is not bundled into the demo: the page imports the built dist/ (copied to sdk/ by
// demo/vite.config.ts) at run time, so that webinfer.js finds webinfer.worker.js and ort/ beside it,
// as in any real deployment. Its types come from the source.
export type Webinfer = typeof import('../../src/index.js');
export type Model = import('../../src/index.js').Model;

export async function importWebinfer(): Promise<Webinfer> {
  const url = new URL('sdk/webinfer.js', document.baseURI).href;
  return (await import(/* @vite-ignore */ url)) as Webinfer;
}
