// The same SDK running a TF.js graph model: @vladmandic/human's emotion classifier (MIT) on a 64×64
// grayscale copy of the text canvas. The client code is the ONNX demo's, with another URL.
import { importWebinfer } from './sdk.js';

const modelUrl = 'models/tfjs/emotion.json';
const labels = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const side = 64;

/** The source canvas, scaled to 64×64 and averaged to gray in [0, 1]: the model's NHWC input. */
function grayInput(source: HTMLCanvasElement): Float32Array {
  const canvas = new OffscreenCanvas(side, side);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context for the TF.js demo input');
  context.drawImage(source, 0, 0, side, side);
  const { data } = context.getImageData(0, 0, side, side);
  return Float32Array.from(
    { length: side * side },
    (_, i) => (data[i * 4]! + data[i * 4 + 1]! + data[i * 4 + 2]!) / (3 * 255),
  );
}

export function mountTfjsPanel(panel: HTMLElement, source: HTMLCanvasElement): void {
  panel.innerHTML = `<h2>TF.js model, same API</h2>
    <p>emotion.json (TF.js graph model) on a 64×64 gray copy of the image above.</p>
    <button type="button" disabled>Run</button> <span class="tfjs-result">loading…</span>`;
  const button = panel.querySelector('button') as HTMLButtonElement;
  const result = panel.querySelector('.tfjs-result') as HTMLElement;
  const showError = (error: unknown): void => {
    result.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  };
  void (async () => {
    const webinfer = await importWebinfer();
    const model = await webinfer.load(modelUrl);
    result.textContent = `ready on ${model.backend}`;
    button.disabled = false;
    button.addEventListener('click', () => {
      const start = performance.now();
      void model
        .predict({ [model.inputs[0]!.name]: { dtype: 'float32', dims: [1, side, side, 1], data: grayInput(source) } })
        .then((outputs) => {
          const probs = Array.from(Object.values(outputs)[0]!.data as Float32Array);
          const best = probs.indexOf(Math.max(...probs));
          result.textContent =
            `${labels[best]} ${(probs[best]! * 100).toFixed(1)}% in ` +
            `${(performance.now() - start).toFixed(2)} ms (${model.backend})`;
        })
        .catch(showError);
    });
  })().catch(showError);
}
