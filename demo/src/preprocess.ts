// PaddleOCR text-direction classifier preprocessing: an RGB text image becomes x: float32 [1,3,48,192].

export const inputHeight = 48;
export const inputWidth = 192;

/**
 * Draws `text` in black on white, rotated 180° when `flipped`; the canvas is sized to fit. The margins
 * are tight, like the text crops of an OCR detector that this model expects.
 */
export function renderText(canvas: HTMLCanvasElement, text: string, flipped: boolean): void {
  const font = '40px Georgia, "DejaVu Serif", serif';
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d canvas context');
  context.font = font;
  const padding = 8;
  canvas.width = Math.max(1, Math.ceil(context.measureText(text).width) + 2 * padding);
  canvas.height = 60;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (flipped) context.setTransform(-1, 0, 0, -1, canvas.width, canvas.height);
  context.font = font; // resizing the canvas reset the context state
  context.fillStyle = '#000';
  context.textBaseline = 'middle';
  context.fillText(text, padding, canvas.height / 2);
  context.setTransform(1, 0, 0, 1, 0, 0);
}

/**
 * Resizes the image to height 48 keeping its aspect ratio (width capped at 192, so long lines are
 * squeezed), scales each RGB value v to (v/255 - 0.5)/0.5 and lays it out CHW; the width beyond the
 * image stays 0. `view` (a 192×48 canvas) is left showing what the model sees: padding as mid-grey.
 */
export function toInput(source: HTMLCanvasElement, view: HTMLCanvasElement): Float32Array {
  const width = Math.min(inputWidth, Math.ceil((inputHeight * source.width) / source.height));
  view.width = inputWidth;
  view.height = inputHeight;
  const context = view.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('no 2d canvas context');
  context.fillStyle = '#808080';
  context.fillRect(0, 0, inputWidth, inputHeight);
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, width, inputHeight);
  const { data: rgba } = context.getImageData(0, 0, width, inputHeight);
  const plane = inputHeight * inputWidth;
  const input = new Float32Array(3 * plane);
  for (let y = 0; y < inputHeight; y++) {
    for (let x = 0; x < width; x++) {
      const from = 4 * (y * width + x);
      const to = y * inputWidth + x;
      for (let c = 0; c < 3; c++) input[c * plane + to] = (rgba[from + c] ?? 0) / 127.5 - 1;
    }
  }
  return input;
}
