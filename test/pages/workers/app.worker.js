// An app's own worker entry, as an app writes one: webinfer's worker side plus the app's tasks.
import { serve } from '../../../dist/worker.js';

let lastAbort;

serve({
  tasks: {
    // Two models chained in the worker: the MLP's probabilities feed the adder, never leaving it.
    async classifyTwice({ features }, { models }) {
      const { logits, probs } = await models.mlp.run({ features });
      const { sum } = await models.add.run({ a: probs, b: probs });
      return { logits: logits.data, doubled: sum.data, backend: models.mlp.backend };
    },
    // The same chain with the MLP's output left where it was computed (on the GPU under WebGPU).
    async classifyOnGpu({ features }, { models }) {
      const { probs } = await models.mlp.run({ features }, { keep: 'gpu' });
      const { sum } = await models.add.run({ a: probs, b: probs });
      return { doubled: sum.data, probsWhere: probs.location ?? 'cpu' };
    },
    async returnGpu({ features }, { models }) {
      const { probs } = await models.mlp.run({ features }, { keep: 'gpu' });
      return { nested: { probs } };
    },
    echo(input) {
      return input;
    },
    fail() {
      throw new RangeError('the crop box is outside the image');
    },
    badFeeds(_, { models }) {
      return models.mlp.run({ features: { dtype: 'float32', dims: [1, 3], data: new Float32Array(3) } });
    },
    wait(_, { signal }) {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          lastAbort = String(signal.reason?.message ?? signal.reason);
          reject(signal.reason);
        }),
      );
    },
    lastAbort() {
      return lastAbort;
    },
    spin() {
      for (;;);
    },
    crash() {
      self.close();
    },
  },
});
