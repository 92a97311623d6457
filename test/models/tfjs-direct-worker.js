// TF.js called directly in a worker, with none of webinfer: the baseline the SDK's per-call overhead
// is measured against. Classic worker on TF.js's own prebuilt bundles (copied next to it).
/* global tf */
importScripts('tf-core.min.js', 'tf-backend-cpu.min.js', 'tf-backend-wasm.min.js', 'tf-converter.min.js');

let model;

self.onmessage = async ({ data }) => {
  if (data.cmd === 'load') {
    tf.wasm.setWasmPaths(data.wasmPaths);
    tf.wasm.setThreadsCount(data.numThreads);
    await tf.setBackend('wasm');
    model = await tf.loadGraphModel(data.url);
    postMessage({ loaded: true });
    return;
  }
  const x = tf.tensor(data.data, data.dims, data.dtype);
  const y = model.execute(x);
  const out = await y.data();
  tf.dispose([x, y]);
  postMessage({ out }, [out.buffer]);
};
