// Silero VAD v5 run in Node with onnxruntime-node, its state carried by hand: what a stream in the
// page must reproduce.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

export const sileroPath = join(
  dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-web')),
  'silero_vad_v5.onnx',
);

let session: Promise<ort.InferenceSession> | undefined;

/** The speech probability of each 512-sample chunk, one chunk after another from a zero state. */
export async function vadReference(chunks: readonly number[][]): Promise<number[]> {
  session ??= ort.InferenceSession.create(sileroPath);
  const vad = await session;
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const probabilities: number[] = [];
  for (const chunk of chunks) {
    const input = new ort.Tensor('float32', Float32Array.from(chunk), [1, chunk.length]);
    const out = await vad.run({ input, state, sr });
    probabilities.push((out.output as ort.Tensor).data[0] as number);
    state = out.stateN as ort.Tensor;
  }
  return probabilities;
}
