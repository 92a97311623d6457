// Generates small ONNX models with known weights into test/models/out/.
// Usage (from anywhere): node test/models/build-models.mjs
// Expected outputs are deliberately NOT computed here: tests derive them from
// weights.mjs so a bug in this generator can't hide behind matching expectations.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { MLP, FIXED_SCALE, INT64_THRESHOLD, SLOW_TRIPS } from './weights.mjs';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

// Initializers go in raw_data (little-endian bytes) so every dtype, including
// int64, uses one code path without protobufjs Long handling.
const RAW = {
  [T.FLOAT]: (v) => new Float32Array(v),
  [T.INT64]: (v) => BigInt64Array.from(v, BigInt),
  [T.BOOL]: (v) => Uint8Array.from(v),
};
function tensor(name, dataType, dims, values) {
  const typed = RAW[dataType](values.flat(Infinity));
  return { name, dataType, dims, rawData: new Uint8Array(typed.buffer) };
}

// A dim is a number (fixed), a string (symbolic dim_param) or null (unknown:
// neither dim_value nor dim_param is set).
function valueInfo(name, elemType, dims) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function node(opType, input, output, attribute = []) {
  return { opType, input, output, name: `${opType}_${output.join('_')}`, attribute };
}

function save(file, { nodes, inputs, outputs, initializers = [] }) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'webinfer-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: file.replace('.onnx', ''),
      node: nodes,
      input: inputs,
      output: outputs,
      initializer: initializers,
    },
  });
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`${file}: ${err}`);
  writeFileSync(join(OUT_DIR, file), onnx.ModelProto.encode(model).finish());
}

mkdirSync(OUT_DIR, { recursive: true });

save('mlp.onnx', {
  inputs: [valueInfo('features', T.FLOAT, ['batch', MLP.inFeatures])],
  outputs: [
    valueInfo('logits', T.FLOAT, ['batch', MLP.outFeatures]),
    valueInfo('probs', T.FLOAT, ['batch', MLP.outFeatures]),
  ],
  initializers: [
    tensor('W1', T.FLOAT, [MLP.inFeatures, MLP.hidden], MLP.W1),
    tensor('b1', T.FLOAT, [MLP.hidden], MLP.b1),
    tensor('W2', T.FLOAT, [MLP.hidden, MLP.outFeatures], MLP.W2),
    tensor('b2', T.FLOAT, [MLP.outFeatures], MLP.b2),
  ],
  nodes: [
    node('MatMul', ['features', 'W1'], ['h_mm']),
    node('Add', ['h_mm', 'b1'], ['h_pre']),
    node('Relu', ['h_pre'], ['hidden']),
    node('MatMul', ['hidden', 'W2'], ['o_mm']),
    node('Add', ['o_mm', 'b2'], ['logits']),
    node('Softmax', ['logits'], ['probs'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }]),
  ],
});

save('int64_bool.onnx', {
  inputs: [valueInfo('ids', T.INT64, ['batch', 3])],
  outputs: [valueInfo('doubled', T.INT64, ['batch', 3]), valueInfo('positive', T.BOOL, ['batch', 3])],
  initializers: [tensor('zero', T.INT64, [], [INT64_THRESHOLD])],
  nodes: [node('Add', ['ids', 'ids'], ['doubled']), node('Greater', ['ids', 'zero'], ['positive'])],
});

save('fixed.onnx', {
  inputs: [valueInfo('x', T.FLOAT, [1, 4])],
  outputs: [valueInfo('y', T.FLOAT, [1, 4])],
  initializers: [tensor('scale', T.FLOAT, [], [FIXED_SCALE])],
  nodes: [node('Mul', ['x', 'scale'], ['y'])],
});

const DTYPES = { i32: T.INT32, u8: T.UINT8, i8: T.INT8, f16: T.FLOAT16, flag: T.BOOL };
save('dtypes.onnx', {
  inputs: Object.entries(DTYPES).map(([n, t]) => valueInfo(n, t, ['batch', 2])),
  outputs: Object.entries(DTYPES).map(([n, t]) => valueInfo(`${n}_out`, t, ['batch', 2])),
  nodes: Object.keys(DTYPES).map((n) => node('Identity', [n], [`${n}_out`])),
});

save('unnamed_dim.onnx', {
  inputs: [valueInfo('x', T.FLOAT, [null, 3])],
  outputs: [valueInfo('y', T.FLOAT, [null, 3])],
  nodes: [node('Neg', ['x'], ['y'])],
});

save('two_inputs.onnx', {
  inputs: [valueInfo('a', T.FLOAT, ['batch', 'n']), valueInfo('b', T.FLOAT, ['batch', 'n'])],
  outputs: [valueInfo('sum', T.FLOAT, ['batch', 'n'])],
  nodes: [node('Add', ['a', 'b'], ['sum'])],
});

// Hostile models: a run whose length the caller picks (a Loop of `trips` iterations adding 1 to x;
// a huge count never ends), and an output whose shape the caller picks (ConstantOfShape).
const FLOAT_ONE = {
  name: 'value',
  type: onnx.AttributeProto.AttributeType.TENSOR,
  t: tensor('one', T.FLOAT, [1], [1]),
};
save('spin.onnx', {
  inputs: [valueInfo('trips', T.INT64, []), valueInfo('x', T.FLOAT, [1])],
  outputs: [valueInfo('y', T.FLOAT, [1])],
  nodes: [
    node(
      'Loop',
      ['trips', '', 'x'],
      ['y'],
      [
        {
          name: 'body',
          type: onnx.AttributeProto.AttributeType.GRAPH,
          g: {
            name: 'add_one',
            input: [valueInfo('i', T.INT64, []), valueInfo('cond_in', T.BOOL, []), valueInfo('v_in', T.FLOAT, [1])],
            output: [valueInfo('cond_out', T.BOOL, []), valueInfo('v_out', T.FLOAT, [1])],
            node: [
              node('Identity', ['cond_in'], ['cond_out']),
              node('Constant', [], ['step'], [FLOAT_ONE]),
              node('Add', ['v_in', 'step'], ['v_out']),
            ],
          },
        },
      ],
    ),
  ],
});

save('alloc.onnx', {
  inputs: [valueInfo('shape', T.INT64, [3])],
  outputs: [valueInfo('filled', T.FLOAT, ['d0', 'd1', 'd2'])],
  nodes: [node('ConstantOfShape', ['shape'], ['filled'], [FLOAT_ONE])],
});

// Symbolic dim 0, but not a batch: each output row depends on the rows before it (a running sum over
// time), so rows of different callers must never share a run.
save('cumsum_time.onnx', {
  inputs: [valueInfo('x', T.FLOAT, ['time', 3])],
  outputs: [valueInfo('y', T.FLOAT, ['time', 3])],
  initializers: [tensor('axis', T.INT64, [], [0])],
  nodes: [node('CumSum', ['x', 'axis'], ['y'])],
});

// Symbolic dim 0, but not a batch: every row is centred on the mean of all rows.
save('center_dim0.onnx', {
  inputs: [valueInfo('x', T.FLOAT, ['batch', 3])],
  outputs: [valueInfo('y', T.FLOAT, ['batch', 3])],
  nodes: [
    node(
      'ReduceMean',
      ['x'],
      ['mean'],
      [
        { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [0] },
        { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
      ],
    ),
    node('Sub', ['x', 'mean'], ['y']),
  ],
});

// A real batch over a lookup table of 2 rows: ids above 1 are invalid, as a probe's made-up ids may be.
save('gather_ids.onnx', {
  inputs: [valueInfo('ids', T.INT64, ['batch', 2])],
  outputs: [valueInfo('rows', T.FLOAT, ['batch', 2, 3])],
  initializers: [
    tensor(
      'table',
      T.FLOAT,
      [2, 3],
      [
        [1, 2, 3],
        [10, 20, 30],
      ],
    ),
  ],
  nodes: [
    node('Gather', ['table', 'ids'], ['rows'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
  ],
});

// Slow on purpose, at any batch size: a Loop of SLOW_TRIPS steps adding 1 to every value, so that a
// single-row run takes milliseconds (y = x + SLOW_TRIPS). What `workers: 'auto'` gives replicas to.
function slow(file, width) {
  save(file, {
    inputs: [valueInfo('x', T.FLOAT, ['batch', width])],
    outputs: [valueInfo('y', T.FLOAT, ['batch', width])],
    initializers: [tensor('trips', T.INT64, [], [SLOW_TRIPS]), tensor('go', T.BOOL, [], [1])],
    nodes: [
      node(
        'Loop',
        ['trips', 'go', 'x'],
        ['y'],
        [
          {
            name: 'body',
            type: onnx.AttributeProto.AttributeType.GRAPH,
            g: {
              name: 'add_one',
              input: [
                valueInfo('i', T.INT64, []),
                valueInfo('cond_in', T.BOOL, []),
                valueInfo('v_in', T.FLOAT, ['batch', width]),
              ],
              output: [valueInfo('cond_out', T.BOOL, []), valueInfo('v_out', T.FLOAT, ['batch', width])],
              node: [
                node('Identity', ['cond_in'], ['cond_out']),
                node('Constant', [], ['step'], [FLOAT_ONE]),
                node('Add', ['v_in', 'step'], ['v_out']),
              ],
            },
          },
        ],
      ),
    ],
  });
}
slow('slow.onnx', 4);
// The same with a symbolic width: no one-row feeds can be made up from its declared shape.
slow('slow_any_width.onnx', 'width');

// Silero VAD v5 (a real recurrent model: its state goes from output stateN to input state), served to
// the stream specs from the page's own origin like the models above.
copyFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-web')), 'silero_vad_v5.onnx'),
  join(OUT_DIR, 'silero_vad_v5.onnx'),
);

console.log(`wrote 13 models and copied Silero VAD v5 to ${OUT_DIR}`);
