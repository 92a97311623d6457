// Type-level tests of typed outputs: `npm run typecheck` compiles this file and nothing runs it. The line
// under each ts-expect-error directive must not compile: tsc fails on a directive with no error under it.
import { expectTypeOf } from 'vitest';
import {
  load,
  type DtypeMap,
  type Model,
  type Tensor,
  type TensorDataByDtype,
  type Tensors,
  type TensorsOf,
} from '../../src/index.js';

declare const feeds: Tensors;
// What user code does with the results: hand them to functions that want one array type.
declare function meanOf(data: Float32Array): number;
declare function tokenIds(data: BigInt64Array): bigint[];
declare function histogram(data: Int32Array): number[];

/** Output dtypes declared once, at load: every predict and predictBatch result is typed. */
export async function declaredAtLoad(): Promise<void> {
  const model = await load<{ probs: 'float32'; ids: 'int64' }>('model.onnx');
  const out = await model.predict(feeds);
  const probs: Float32Array = out.probs.data;
  meanOf(probs);
  tokenIds(out.ids.data);
  expectTypeOf(out.probs).toEqualTypeOf<Tensor<'float32'>>();
  expectTypeOf(out.probs.dtype).toEqualTypeOf<'float32'>();
  expectTypeOf(out.ids.data).toEqualTypeOf<BigInt64Array>();
  // @ts-expect-error probs is float32: its data is a Float32Array, not an Int32Array
  histogram(out.probs.data);
  // @ts-expect-error an output that was not declared is not there to read
  void out.logits;

  const [first] = await model.predictBatch([feeds, feeds]);
  expectTypeOf(first!.probs.data).toEqualTypeOf<Float32Array>();
}

/** Output dtypes declared on one call, on a model loaded without them. */
export async function declaredPerCall(model: Model): Promise<void> {
  const out = await model.predict<{ probs: 'float32' }>(feeds);
  meanOf(out.probs.data);
  const outs = await model.predictBatch<{ ids: 'int64' }>([feeds]);
  expectTypeOf(outs).toEqualTypeOf<{ ids: Tensor<'int64'> }[]>();
}

/** An interface serves as the dtype map as well as a type literal. */
interface Detector {
  boxes: 'float32';
  classes: 'int32';
}
export async function declaredByInterface(): Promise<void> {
  const out = await (await load<Detector>('detector.onnx')).predict(feeds);
  meanOf(out.boxes.data);
  histogram(out.classes.data);
}

/** Without a type argument nothing changes: results are Tensors, narrowed by checking dtype. */
export async function undeclared(model: Model): Promise<void> {
  const out = await model.predict(feeds);
  expectTypeOf(out).toEqualTypeOf<Tensors>();
  expectTypeOf(await model.predictBatch([feeds])).toEqualTypeOf<Tensors[]>();
  const probs = out.probs;
  // @ts-expect-error an undeclared output may be absent
  meanOf(probs.data);
  if (probs === undefined) return;
  // @ts-expect-error an undeclared output may be of any dtype
  meanOf(probs.data);
  if (probs.dtype === 'float32') meanOf(probs.data);
}

/** A typed model is still a Model: it goes wherever one is expected. */
export async function typedIsAModel(): Promise<Model> {
  return load<{ probs: 'float32' }>('model.onnx');
}

/** The defaults are today's types exactly. */
export function defaultsAreTheWideTypes(): void {
  expectTypeOf<TensorsOf<DtypeMap>>().toEqualTypeOf<Tensors>();
  expectTypeOf<Tensor['data']>().toEqualTypeOf<TensorDataByDtype[keyof TensorDataByDtype]>();
  expectTypeOf<Tensor<'float32' | 'float16'>['data']>().toEqualTypeOf<Float32Array | Uint16Array>();
}

export async function wrongMaps(model: Model): Promise<void> {
  // @ts-expect-error 'float33' is no dtype
  await load<{ probs: 'float33' }>('model.onnx');
  // @ts-expect-error a dtype map's fields are dtype names, not arrays
  await model.predict<{ probs: Float32Array }>(feeds);
}
