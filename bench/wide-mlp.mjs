// The wide MLP of issue 12's targets (256 -> 512 -> 512 -> 10, ReLU, softmax), float32 weights from a
// seeded generator: big enough (1.6 MB, 0.4 M multiply-adds per row) that engine time, not messaging,
// dominates a call. Written to bench/models/wide_mlp.onnx by prepare.mjs.
import { writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const layers = [256, 512, 512, 10];

/** A small deterministic generator (mulberry32): the same weights on every machine. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const weights = (name, dims, random, scale) => {
  const values = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale);
  return { name, dataType: T.FLOAT, dims, rawData: new Uint8Array(values.buffer) };
};
const io = (name, width) => ({
  name,
  type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } },
});

export function writeWideMlp(path) {
  const random = seeded(12);
  const initializer = [];
  const node = [];
  let input = 'x';
  for (let i = 0; i < layers.length - 1; i++) {
    const [from, to] = [layers[i], layers[i + 1]];
    initializer.push(weights(`W${i}`, [from, to], random, 1 / Math.sqrt(from)), weights(`b${i}`, [to], random, 0.1));
    node.push({ opType: 'MatMul', input: [input, `W${i}`], output: [`mm${i}`], name: `mm${i}` });
    const last = i === layers.length - 2;
    node.push({ opType: 'Add', input: [`mm${i}`, `b${i}`], output: [last ? 'logits' : `pre${i}`], name: `add${i}` });
    if (!last) node.push({ opType: 'Relu', input: [`pre${i}`], output: [`h${i}`], name: `relu${i}` });
    input = `h${i}`;
  }
  const softmax = { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 };
  node.push({ opType: 'Softmax', input: ['logits'], output: ['probs'], name: 'softmax', attribute: [softmax] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'webinfer-bench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'wide_mlp', node, initializer, input: [io('x', 256)], output: [io('probs', 10)] },
  });
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`wide_mlp.onnx: ${problem}`);
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}
