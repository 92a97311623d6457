// The app's own worker entry: webinfer's worker side plus the app's code, built by the app's bundler.
import { serve } from 'webinfer/worker';

serve({
  tasks: {
    // Two runs chained in the worker: the first output feeds the second run without visiting the page.
    async twice({ x }, { models }) {
      const { y } = await models.affine.run({ x });
      const again = await models.affine.run({ x: y });
      return again.y.data;
    },
  },
});
