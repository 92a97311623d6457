import type { ProgressSink } from '../../shared/protocol.js';
import { deliver, type FetchOptions } from '../delivery/fetch-file.js';
import type { EngineSetup, ModelDescriptor } from './engine.js';

type ReadModel = EngineSetup['readModel'];

/** The model's bytes as the page handed them over. */
function givenBytes(model: Exclude<ModelDescriptor, { kind: 'url' }>): Uint8Array {
  return model.kind === 'bytes' ? new Uint8Array(model.bytes) : new TextEncoder().encode(model.modelJson);
}

export interface ReaderOptions {
  /** How the model file is fetched (cache mode, integrity, cancellation), progress going to `onProgress`. */
  fileOptions(url: string, onProgress: ProgressSink): FetchOptions;
  onProgress: ProgressSink;
  /** Awaited once the bytes are here, before the engine sees them (the runtime; the load's cancellation). */
  ready(): Promise<void>;
  /**
   * Keep the bytes once the engine has read them, so that starting the model again on a fallback
   * backend needs no second download: the model's size in memory once more.
   */
  keep: boolean;
}

/**
 * The `readModel` an engine is given (see EngineSetup): a URL model goes through `deliver`, so it is
 * cached only once the engine has parsed it, and a bad cached copy is fetched again once.
 */
export function modelReader(model: ModelDescriptor, options: ReaderOptions): ReadModel {
  let kept: Uint8Array | undefined;
  return async (use) => {
    if (kept !== undefined) return use(kept);
    const useWhenReady = async (bytes: Uint8Array) => {
      await options.ready();
      const result = await use(bytes);
      if (options.keep) kept = bytes;
      return result;
    };
    if (model.kind !== 'url') return useWhenReady(givenBytes(model));
    return deliver(model.url, options.fileOptions(model.url, options.onProgress), useWhenReady);
  };
}
