// The engines this worker can run. Adding one is its folder (engine code + plugin.ts) and one line here.
import { OptionError } from '../../shared/errors.js';
import type { EngineKind } from '../../shared/types.js';
import type { EnginePlugin } from './engine.js';
import { onnxEngine } from './onnx/plugin.js';
import { tfjsEngine } from './tfjs/plugin.js';

const registered: readonly EnginePlugin[] = Object.freeze([onnxEngine, tfjsEngine]);

/** The kinds of the registered engines, in registration order. */
export function engineKinds(): EngineKind[] {
  return registered.map((plugin) => plugin.kind);
}

/** The engine of that kind; an unknown kind is the caller's mistake, told with the kinds there are. */
export function findEngine(kind: EngineKind, plugins: readonly EnginePlugin[] = registered): EnginePlugin {
  const plugin = plugins.find((candidate) => candidate.kind === kind);
  if (plugin === undefined) {
    const known = plugins.map((candidate) => `'${candidate.kind}'`).join(', ');
    throw new OptionError(`unknown engine '${kind}': the engines registered are ${known}`, { option: 'engine' });
  }
  return plugin;
}
