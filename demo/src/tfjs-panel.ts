// The same SDK running a TF.js graph model: @vladmandic/human's emotion classifier (MIT), made for a
// face crop, 64×64 grayscale. The client code is the ONNX side's, with another URL.
import { importWebinfer } from './sdk.js';

const modelUrl = 'models/tfjs/emotion.json';
const labels = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const side = 64;

/** The image's central square, scaled to 64×64 and averaged to gray in [0, 1]: the model's NHWC input. */
function grayInput(image: ImageBitmap): Float32Array {
  const canvas = new OffscreenCanvas(side, side);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context for the TF.js demo input');
  const square = Math.min(image.width, image.height);
  context.drawImage(image, (image.width - square) / 2, (image.height - square) / 2, square, square, 0, 0, side, side);
  const { data } = context.getImageData(0, 0, side, side);
  return Float32Array.from(
    { length: side * side },
    (_, i) => (data[i * 4]! + data[i * 4 + 1]! + data[i * 4 + 2]!) / (3 * 255),
  );
}

export function mountTfjsPanel(panel: HTMLElement): void {
  panel.innerHTML = `<h2>TF.js model, same API</h2>
    <p>emotion.json (a TF.js graph model) reads the expression of a face: pick a photo where a face fills
    the frame (its central square is what the model sees, 64×64 in gray).</p>
    <label class="file">Pick a face photo <input type="file" accept="image/*" disabled /></label>
    <span class="tfjs-result">loading…</span>`;
  const picker = panel.querySelector('input') as HTMLInputElement;
  const result = panel.querySelector('.tfjs-result') as HTMLElement;
  const showError = (error: unknown): void => {
    result.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  };
  void (async () => {
    const webinfer = await importWebinfer();
    const model = await webinfer.load(modelUrl);
    result.textContent = `ready on ${model.backend}`;
    picker.disabled = false;
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (file === undefined) return;
      void (async () => {
        const data = grayInput(await createImageBitmap(file));
        const start = performance.now();
        const outputs = await model.predict({
          [model.inputs[0]!.name]: { dtype: 'float32', dims: [1, side, side, 1], data },
        });
        const probs = Array.from(Object.values(outputs)[0]!.data as Float32Array);
        const best = probs.indexOf(Math.max(...probs));
        result.textContent =
          `${labels[best]} ${(probs[best]! * 100).toFixed(1)}% in ` +
          `${(performance.now() - start).toFixed(2)} ms (${model.backend})`;
      })().catch(showError);
    });
  })().catch(showError);
}
