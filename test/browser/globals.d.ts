import type * as Webinfer from '../../src/index.js';
import type { PlainError, PlainTensor } from './fixtures.js';

declare global {
  interface Window {
    webinfer: typeof Webinfer;
    entry: 'esm' | 'script';
    harness: {
      plain(tensors: Webinfer.Tensors): Record<string, PlainTensor>;
      error(error: unknown): PlainError;
      models: Record<string, Webinfer.Model>;
      apps: Record<string, Webinfer.App>;
    };
  }
}
