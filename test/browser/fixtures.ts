import { test as base, expect, type Page } from '@playwright/test';

/** One of the four browser setups (see playwright.config.ts). */
export interface Setup {
  isolated: boolean;
  webgpuFlag: boolean;
  backend: 'auto' | 'webgpu' | 'wasm';
  expectBackend: 'webgpu' | 'wasm';
}

export type Entry = 'esm' | 'script';
export const entries: readonly Entry[] = ['esm', 'script'];

export interface ModelSummary {
  backend: string;
  backendReason: string;
  inputs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
  outputs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[];
}

export interface PlainTensor {
  dtype: string;
  dims: number[];
  data: (number | string)[];
  type: string;
}

export interface PlainError {
  name: string;
  message: string;
  input?: string;
  output?: string;
  source?: string;
  backend?: string;
  option?: string;
  isError: boolean;
}

/** The SDK as a test drives it: a page that loaded one entry (ESM or script tag) of the built dist/. */
export class Sdk {
  constructor(
    readonly page: Page,
    readonly setup: Setup,
    readonly requests: string[],
  ) {}

  /** A model URL relative to the test page, as a user would write it. */
  modelUrl(name: string): string {
    return `../models/out/${name}.onnx`;
  }

  /** Loads a model in the page under `key` with the setup's backend unless `options` says otherwise. */
  async load(key: string, source: string, options: Record<string, unknown> = {}): Promise<ModelSummary> {
    return this.page.evaluate(
      async ({ key, source, options }) => {
        const model = await window.webinfer.load(source, options);
        window.harness.models[key] = model;
        return {
          backend: model.backend,
          backendReason: model.backendReason,
          inputs: model.inputs,
          outputs: model.outputs,
        };
      },
      { key, source, options: { backend: this.setup.backend, ...options } },
    );
  }

  /** Loads and expects a rejection; returns the error as plain data. */
  async loadError(source: string, options: Record<string, unknown> = {}): Promise<PlainError> {
    return this.page.evaluate(
      async ({ source, options }) => {
        try {
          await window.webinfer.load(source, options);
        } catch (error) {
          return window.harness.error(error);
        }
        throw new Error(`load(${source}) resolved; expected a rejection`);
      },
      { source, options: { backend: this.setup.backend, ...options } },
    );
  }
}

export const test = base.extend<{ entry: Entry; sdk: Sdk }, { setup: Setup }>({
  setup: [
    { isolated: true, webgpuFlag: false, backend: 'auto', expectBackend: 'wasm' },
    { option: true, scope: 'worker' },
  ],
  entry: ['esm', { option: true }],
  sdk: async ({ page, setup, entry, baseURL }, use) => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`/${setup.isolated ? 'coi' : 'plain'}/test/pages/${entry}.html`);
    await page.waitForFunction(() => window.webinfer !== undefined);
    await use(new Sdk(page, setup, requests));
    // Everything the SDK needs comes from the page's own origin: no CDN, works offline. (A blob: URL
    // the page made itself, as TF.js does for its WASM threads, carries the page's origin too.)
    const foreign = requests.filter((url) => !url.startsWith(`${baseURL}/`) && !url.startsWith(`blob:${baseURL}/`));
    expect(foreign, 'requests to another origin').toEqual([]);
  },
});

export { expect };
