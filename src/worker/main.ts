import { serve } from './serve.js';

// The SDK's own worker: models only, no app tasks.
serve();
