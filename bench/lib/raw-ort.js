// The "raw" comparison: onnxruntime-web's InferenceSession.run called directly inside a worker of the
// bench's own, through a minimal hand-written postMessage protocol with transferred buffers. It is
// what a careful developer would write by hand, and the physical limit for webinfer's path.
//
// The worker is spawned from a Blob so that the same file serves the plain-JS bench pages and the
// demo's Vite bundle (a bundler would otherwise rewrite the worker and its runtime import).

/* eslint-disable no-restricted-globals */
function rawWorkerMain() {
  /** @type {any} */ let ort;
  /** @type {any} */ let session;
  let queue = Promise.resolve();
  // Sessions must not run concurrently: requests that arrive during a run wait their turn, in order.
  self.onmessage = (/** @type {MessageEvent} */ event) => {
    const message = event.data;
    queue = queue
      .then(() => handle(message))
      .catch((error) => {
        self.postMessage({ id: message.id, error: String(error?.message ? error.message : error) });
      });
  };
  /** @param {any} message */
  async function handle(message) {
    if (message.type === 'init') {
      const start = performance.now();
      ort = await import(message.ortUrl);
      ort.env.wasm.wasmPaths = message.wasmPaths;
      ort.env.wasm.numThreads = message.numThreads;
      ort.env.logLevel = 'error';
      session = await ort.InferenceSession.create(message.model, { executionProviders: [message.backend ?? 'wasm'] });
      self.postMessage({
        id: message.id,
        inputs: session.inputNames,
        outputs: session.outputNames,
        createMs: performance.now() - start,
      });
      return;
    }
    if (message.type === 'run') {
      /** @type {Record<string, any>} */ const feeds = {};
      for (const [name, t] of Object.entries(message.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const start = performance.now();
      const results = await session.run(feeds);
      const runMs = performance.now() - start;
      /** @type {Record<string, any>} */ const outputs = {};
      /** @type {ArrayBuffer[]} */ const transfer = [];
      for (const [name, t] of Object.entries(results)) {
        const whole = t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength;
        const data = whole ? t.data : t.data.slice();
        outputs[name] = { type: t.type, dims: t.dims, data };
        transfer.push(data.buffer);
      }
      self.postMessage({ id: message.id, outputs, runMs }, transfer);
      return;
    }
    if (message.type === 'release') {
      await session?.release();
      self.postMessage({ id: message.id });
      self.close();
    }
  }
}

/**
 * @typedef {{ type: string, dims: number[], data: ArrayBufferView }} RawTensor
 * @typedef {{ outputs: Record<string, RawTensor>, runMs: number }} RawResult
 */

export class RawOrt {
  /** @type {Worker} */ #worker;
  #nextId = 1;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  #pending = new Map();
  /** @type {string[]} */ inputs = [];
  /** @type {string[]} */ outputs = [];
  createMs = NaN;

  constructor() {
    const source = `(${rawWorkerMain.toString()})();`;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.#worker = new Worker(url, { type: 'module', name: 'raw-ort' });
    URL.revokeObjectURL(url);
    this.#worker.onmessage = (event) => {
      const { id, error } = event.data;
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      if (error !== undefined) pending?.reject(new Error(`raw worker: ${error}`));
      else pending?.resolve(event.data);
    };
    this.#worker.onerror = (event) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`raw worker failed: ${event.message}`));
      this.#pending.clear();
    };
  }

  /** @param {Record<string, unknown>} message @param {Transferable[]} [transfer] @returns {Promise<any>} */
  #call(message, transfer = []) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  /**
   * Imports the runtime in the worker and creates the session.
   * @param {{ ortUrl: string, wasmPaths: string, numThreads: number, model: string, backend?: 'wasm' | 'webgpu' }} options
   *   absolute URLs; `backend` defaults to 'wasm' (for 'webgpu', ortUrl must be ort.webgpu.min.mjs)
   */
  async init(options) {
    const ready = await this.#call({ type: 'init', ...options });
    this.inputs = ready.inputs;
    this.outputs = ready.outputs;
    this.createMs = ready.createMs;
    return this;
  }

  /**
   * One session.run in the worker; the feeds' buffers are transferred (detached here).
   * @param {Record<string, RawTensor>} feeds
   * @returns {Promise<RawResult>}
   */
  run(feeds) {
    const transfer = Object.values(feeds).map((t) => /** @type {ArrayBuffer} */ (t.data.buffer));
    return this.#call({ type: 'run', feeds }, transfer);
  }

  async dispose() {
    await this.#call({ type: 'release' }).catch(() => undefined);
    this.#worker.terminate();
  }
}
