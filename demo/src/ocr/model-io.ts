// How the pipeline feeds the PaddleOCR models and reads them back: each takes one image batch named
// `x` and answers one float32 tensor, whose name changes between model versions (sigmoid_0.tmp_0,
// softmax_0.tmp_0, softmax_11.tmp_0…), so it is taken whatever its name.
import type { Tensor } from '../../../src/index.js';
import type { RunModel } from './types.js';

export async function runOnImages(run: RunModel, model: string, images: Tensor<'float32'>): Promise<Tensor<'float32'>> {
  const outputs = Object.values(await run({ x: images }));
  const [output] = outputs;
  if (outputs.length !== 1 || output === undefined || output.dtype !== 'float32') {
    const got = outputs.map((tensor) => `${tensor.dtype} [${tensor.dims.join(', ')}]`).join(', ') || 'nothing';
    throw new Error(
      `OCR: the ${model} model must answer one float32 tensor (a PaddleOCR ONNX export), but it answered: ${got}. ` +
        `Check that OcrModels.${model} runs the matching PaddleOCR model.`,
    );
  }
  return output;
}
