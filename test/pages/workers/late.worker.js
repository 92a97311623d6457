// An entry that awaits before it serves (a config, a dictionary): what the page sent meanwhile must wait.
await new Promise((resolve) => setTimeout(resolve, 300));
const { serve } = await import('../../../dist/worker.js');
serve({ tasks: { ping: (input) => `pong ${input.n}` } });
