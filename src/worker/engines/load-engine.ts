import { BackendUnavailableError, LoadError, messageOf, WebinferError } from '../../shared/errors.js';
import type {
  BackendChangeSink,
  LoadRequest,
  ProbeReport,
  ProgressSink,
  Provenance,
  WarningSink,
} from '../../shared/protocol.js';
import type { Backend, BackendRequest } from '../../shared/types.js';
import {
  chooseBackend,
  detectCapabilities,
  fallbacksAfter,
  type BackendChoice,
  type Capabilities,
} from './backends.js';
import type { Engine, EnginePlugin, EngineSetup } from './engine.js';
import { withFallback } from './failover.js';
import { fetchFile, modelFile, type FetchOptions } from '../delivery/fetch-file.js';
import { modelReader } from './read-model.js';
import { findEngine } from './registry.js';
import { decideByProbe } from '../probe/choose-by-probe.js';
import { sha256Hex, tensorsDigest } from '../../shared/digest.js';

/** Where a load reports to the page; `onBackendChange` is heard for the model's whole life. */
export interface LoadSinks {
  onProgress: ProgressSink;
  onWarning: WarningSink;
  onBackendChange: BackendChangeSink;
}

const quoted = (backends: readonly Backend[]): string => {
  const names = backends.map((backend) => `'${backend}'`);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) as string}`;
};

/** The backend for this engine: 'auto' over its own list; a named one only if the engine runs on it. */
function chooseFor(plugin: EnginePlugin, requested: BackendRequest, caps: Capabilities, source: string): BackendChoice {
  if (requested !== 'auto' && !plugin.backends.includes(requested)) {
    const message =
      `backend '${requested}' is not one the ${plugin.kind} engine runs on; model ${source} runs ` +
      `on ${quoted(plugin.backends)}`;
    throw new BackendUnavailableError(message, { backend: requested, source });
  }
  return chooseBackend(requested, caps, plugin.backends);
}

/** Test hook: the software adapter taken for hardware, so that 'auto' considers WebGPU and probes it. */
function withTestAdapter(capabilities: Capabilities, softwareAsHardware: boolean): Capabilities {
  const { webgpu } = capabilities;
  if (!softwareAsHardware || !webgpu.available || !webgpu.software) return capabilities;
  return {
    ...capabilities,
    webgpu: { ...webgpu, software: false, description: `${webgpu.description}, taken for hardware by a test` },
  };
}

/**
 * What a probe's verdict holds for: the model's bytes, the adapter, the runtime's version, the probe's
 * feeds and tolerance (and its test hook). A change to any is a new probe. Undefined without SubtleCrypto.
 */
async function probeKey(
  request: LoadRequest,
  capabilities: Capabilities,
  engine: Engine,
  modelDigest: Promise<string | undefined> | undefined,
): Promise<string | undefined> {
  const { feeds, tolerance, perturbWebgpu } = request.probe;
  const adapter = capabilities.webgpu.available ? capabilities.webgpu.description : 'none';
  const feedsKey = feeds === undefined ? 'made-up' : await tensorsDigest(feeds);
  const model = await modelDigest;
  // Without a digest (no SubtleCrypto) verdicts cannot be told apart: none is read or stored.
  if (model === undefined || feedsKey === undefined) return undefined;
  return [model, adapter, engine.runtime ?? request.engine, feedsKey, tolerance, perturbWebgpu ? 'perturbed' : ''].join(
    '|',
  );
}

/** The sizes of the files a model is made of: what each loaded copy of it holds, about. */
class FileSizes {
  readonly #sizes = new Map<string, number>();

  constructor(source: LoadRequest['source']) {
    if (source.kind !== 'tfjs-artifacts') return;
    // Weights given in memory never pass through fetchFile.
    for (const [i, shard] of source.weights.entries()) this.#sizes.set(`shard ${i}`, shard.byteLength);
  }

  note(file: string, bytes: Uint8Array): Uint8Array {
    this.#sizes.set(file, bytes.byteLength);
    return bytes;
  }

  total(): number {
    let sum = 0;
    for (const size of this.#sizes.values()) sum += size;
    return sum;
  }
}

/** A model started: its engine, the backend chosen and why, its size, the probe's report, its provenance. */
export interface LoadedEngine {
  engine: Engine;
  choice: BackendChoice;
  modelBytes: number;
  probe?: ProbeReport;
  provenance: Omit<Provenance, 'backend'>;
}

/**
 * Everything a load does in the worker: find the engine, choose the backend, fetch the runtime
 * alongside the model, start the engine (one that moves on to the engine's later backends if its own
 * fails). `signal` cancels the load's own downloads (model, shards), never the runtime's, which other
 * loads share.
 */
export async function loadEngine(request: LoadRequest, sinks: LoadSinks, signal: AbortSignal): Promise<LoadedEngine> {
  const source = request.source.kind === 'url' ? request.source.url : 'bytes';
  try {
    const plugin = findEngine(request.engine);
    const capabilities = withTestAdapter(await detectCapabilities(), request.probe.softwareAsHardware);
    // Deterministic results need a fixed backend: 'auto' means WASM, and the model never moves.
    const requested = request.deterministic && request.backend === 'auto' ? 'wasm' : request.backend;
    let choice = chooseFor(plugin, requested, capabilities, source);
    if (requested !== request.backend)
      choice = { ...choice, reason: choice.reason.replace(/, as requested$/, ', as deterministic: true asks') };
    // A deterministic model never moves to another backend.
    const fallbacksOf = (backend: Backend) => (request.deterministic ? [] : fallbacksAfter(backend, plugin.backends));
    const fallbacks = fallbacksOf(choice.backend);
    // 'auto' chose WebGPU: check its answers and speed against WASM before trusting it.
    const probing =
      request.backend === 'auto' && request.probe.enabled && choice.backend === 'webgpu' && fallbacks.includes('wasm');
    let modelDigest: Promise<string | undefined> | undefined;
    const engineModule = await plugin.load();
    const numThreads = request.numThreads ?? (capabilities.threads ? Math.min(4, navigator.hardwareConcurrency) : 1);
    const runtimeFiles = plugin.runtimeFiles();
    const { integrity, cache, stallTimeoutMs } = request;
    const runtime = engineModule.warmUp(choice.backend, runtimeFiles, numThreads, {
      stallTimeoutMs,
      onWarning: sinks.onWarning,
    });
    runtime.catch(() => undefined); // awaited below; a failed download must not go unhandled meanwhile
    const fileOptions = (url: string, onProgress: ProgressSink): FetchOptions =>
      modelFile({ integrity: integrity[url], cache, onProgress, onWarning: sinks.onWarning, signal, stallTimeoutMs });
    const ready = async () => {
      // A runtime that failed to load is not the model's fault: say so before the model is blamed.
      await runtime;
      signal.throwIfAborted(); // the caller gave up while the files arrived: start no session
    };
    const sizes = new FileSizes(request.source);
    const readModel = modelReader(request.source, {
      fileOptions,
      onProgress: sinks.onProgress,
      ready,
      keep: fallbacks.length > 0,
    });
    const setupFor = (backend: Backend, onProgress: ProgressSink): EngineSetup => ({
      model: request.source,
      source,
      backend,
      webgpuAdapter: backend === 'webgpu' && capabilities.webgpu.available ? capabilities.webgpu.adapter : undefined,
      runtimeFiles,
      numThreads,
      stallTimeoutMs,
      readModel: (use) =>
        readModel((bytes) => {
          modelDigest ??= sha256Hex([bytes]);
          return use(sizes.note('model', bytes));
        }),
      fetchFile: async (url, onFileProgress, fresh) => {
        const fetched = await fetchFile(url, fileOptions(url, onFileProgress), fresh);
        sizes.note(url, fetched.bytes);
        return fetched;
      },
      onProgress,
    });
    let engine = await engineModule.create(setupFor(choice.backend, sinks.onProgress));
    const startOn = (backend: Backend) => engineModule.create(setupFor(backend, () => undefined));
    let probe: ProbeReport | undefined;
    if (probing) {
      const key = await probeKey(request, capabilities, engine, modelDigest);
      const decided = await decideByProbe({
        request: request.probe,
        webgpu: engine,
        startWasm: () => startOn('wasm'),
        inputs: engine.inputs,
        key,
        onProgress: sinks.onProgress,
      });
      probe = decided.report;
      const loser = probe.chose === 'wasm' ? engine : decided.wasm;
      if (probe.chose === 'wasm') engine = decided.wasm ?? (await startOn('wasm'));
      await loser?.dispose();
      choice = { backend: probe.chose, reason: probe.reason };
    }
    const served = withFallback(engine, choice.backend, fallbacksOf(choice.backend), startOn, sinks.onBackendChange);
    const modelSha256 = await modelDigest;
    const provenance = {
      ...(modelSha256 !== undefined && { modelSha256 }),
      engine: request.engine,
      runtime: engine.runtime ?? request.engine,
      ...(choice.backend === 'webgpu' && capabilities.webgpu.available && { adapter: capabilities.webgpu.description }),
      numThreads,
      deterministic: request.deterministic,
    };
    return { engine: served, choice, modelBytes: sizes.total(), ...(probe && { probe }), provenance };
  } catch (error) {
    if (error instanceof WebinferError) throw error;
    throw new LoadError(`could not load model ${source}: ${messageOf(error)}`, { source, cause: error });
  }
}
