import { connect, load } from 'webinfer';

// affine.onnx computes y = 2x + 1; the bundler copies it, as it copies webinfer's worker and runtime.
const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
const model = await load(new URL('./affine.onnx', import.meta.url), { backend });
const { y } = await model.predict({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
document.querySelector('output').textContent = `${model.backend}: ${Array.from(y.data).join(' ')}`;

// A task in the app's own worker: y = 2(2x + 1) + 1, both runs in the worker.
const app = await connect(() => new Worker(new URL('./app.worker.js', import.meta.url), { type: 'module' }), {
  backend,
  models: { affine: new URL('./affine.onnx', import.meta.url) },
});
const twice = await app.run('twice', { x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
document.querySelector('#task').textContent = `${app.models.affine.backend}: ${Array.from(twice).join(' ')}`;
