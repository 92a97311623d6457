// P9's task side: the demo's OCR pipeline as a task of an app's own worker, beside its three models.
import { serve } from '../../dist/worker.js';
import { parseDictionary, readText } from '../.build/ocr-pipeline.js';

let dictionary;

function pixelsOf(image) {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  image.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

serve({
  tasks: {
    async read({ image, dictionaryUrl }, { models }) {
      dictionary ??= fetch(dictionaryUrl).then(async (response) => parseDictionary(await response.text()));
      const run = (name) => (feeds) => models[name].run(feeds);
      return readText(pixelsOf(image), { det: run('det'), cls: run('cls'), rec: run('rec') }, await dictionary);
    },
  },
});
