// The models the bench runs, with the single-sample input each is fed. URLs are relative to this file,
// so the pages work under /coi/ (cross-origin isolated) and /plain/ alike.

/** @typedef {{ key: string, name: string, url: string, dims: number[] }} BenchModel */

/** @type {Record<string, BenchModel>} */
export const models = {
  mlp: {
    key: 'mlp',
    name: 'test MLP 8-16-4',
    url: new URL('../../test/models/out/mlp.onnx', import.meta.url).href,
    dims: [1, 8],
  },
  wide: {
    key: 'wide',
    name: 'wide MLP 256-512-512-10',
    url: new URL('../models/wide_mlp.onnx', import.meta.url).href,
    dims: [1, 256],
  },
  cls: {
    key: 'cls',
    name: 'PaddleOCR ch_ppocr_mobile_v2.0_cls',
    url: new URL('../models/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url).href,
    dims: [1, 3, 48, 192],
  },
  rec: {
    key: 'rec',
    name: 'PaddleOCR ch_PP-OCRv4_rec',
    url: new URL('../models/ch_PP-OCRv4_rec_infer.onnx', import.meta.url).href,
    dims: [1, 3, 48, 320],
  },
};

export const ortFolder = new URL('../../dist/ort/', import.meta.url).href;
export const ortModuleUrl = new URL('ort.wasm.min.mjs', ortFolder).href;
// `?sdk=<folder>` (a served folder relative to the repo root; run.mjs passes BENCH_SDK) benches another
// build of the SDK against the same comparisons, e.g. a candidate change built into bench/.
const sdkFolder = new URLSearchParams(globalThis.location?.search ?? '').get('sdk') ?? 'dist';
export const webinferUrl = new URL(`../../${sdkFolder}/webinfer.js`, import.meta.url).href;

/** Deterministic pseudo-random floats in [0, 1): the same input on every side. @param {number} length */
export function sampleInput(length) {
  const data = new Float32Array(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state / 2 ** 32;
  }
  return data;
}

/** @param {number[]} dims */
export const elementCount = (dims) => dims.reduce((a, b) => a * b, 1);
