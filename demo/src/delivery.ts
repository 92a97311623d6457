// The demo's delivery panel: download / cache / init progress, an online-offline badge, the
// service worker's state, and what webinfer has cached (with sizes and a clear button).
import './delivery.css';
import { registerOffline } from './pwa.js';
import type { Webinfer } from './sdk.js';

type LoadProgress = import('../../src/index.js').LoadProgress;
type LoadWarning = import('../../src/index.js').LoadWarning;

const size = (bytes: number): string =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(0)} kB` : `${bytes} B`;

function html(markup: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content;
}

function part<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`${selector} missing from the delivery panel`);
  return found;
}

const markup = `
  <div class="delivery-head">
    <h2>Delivery</h2>
    <span class="badge" data-part="network"></span>
    <span class="badge" data-part="sw"></span>
  </div>
  <div class="bars">
    <span data-part="model-label">Model</span><progress data-part="model" max="1" value="0"></progress><span data-part="model-text">…</span>
    <span>Runtime + session</span><progress data-part="init" max="1" value="0"></progress><span data-part="init-text">waiting for the model</span>
  </div>
  <p class="warnings" data-part="warnings" hidden></p>
  <div class="cache-head"><h3>Cached by webinfer</h3><button type="button" data-part="clear">Clear cache</button></div>
  <ul class="cache-list" data-part="cache"></ul>
`;

export interface Delivery {
  onProgress(progress: LoadProgress): void;
  onWarning(warning: LoadWarning): void;
  /** The model is loaded: fill the init bar, list the cache. */
  loaded(elapsedMs: number): void;
}

function networkBadge(badge: HTMLElement): void {
  const show = (): void => {
    badge.textContent = navigator.onLine ? 'online' : 'offline';
    badge.dataset.state = navigator.onLine ? 'ok' : 'warn';
  };
  window.addEventListener('online', show);
  window.addEventListener('offline', show);
  show();
}

function cacheList(webinfer: Webinfer, list: HTMLElement, clear: HTMLButtonElement): () => Promise<void> {
  const refresh = async (): Promise<void> => {
    const files = await webinfer.cachedFiles();
    list.replaceChildren(
      ...files.map((file) => {
        const item = document.createElement('li');
        item.textContent =
          `${file.kind === 'runtime' ? 'runtime' : 'model'} · ` +
          `${new URL(file.url).pathname.split('/').pop() ?? file.url} · ${size(file.bytes)}`;
        item.title = `${file.url}\n${file.tag}\ncached ${file.cachedAt}`;
        return item;
      }),
    );
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    if (files.length === 0) list.append(Object.assign(document.createElement('li'), { textContent: 'nothing cached' }));
    else
      list.append(
        Object.assign(document.createElement('li'), { className: 'total', textContent: `${size(total)} in all` }),
      );
  };
  clear.addEventListener(
    'click',
    () =>
      void webinfer
        .clearCache()
        .then(refresh)
        .catch((error: unknown) => console.warn('webinfer demo: clear cache', error)),
  );
  return refresh;
}

export function mountDelivery(webinfer: Webinfer, root: HTMLElement): Delivery {
  root.replaceChildren(html(markup));
  networkBadge(part(root, '[data-part=network]'));
  const sw = part(root, '[data-part=sw]');
  registerOffline((state, detail) => {
    sw.textContent = state === 'offline-ready' ? 'works offline' : `service worker: ${state}`;
    sw.dataset.state = state === 'offline-ready' ? 'ok' : state === 'installing' ? '' : 'warn';
    if (detail !== undefined) sw.title = detail;
  });
  const model = part<HTMLProgressElement>(root, '[data-part=model]');
  const modelText = part(root, '[data-part=model-text]');
  const init = part<HTMLProgressElement>(root, '[data-part=init]');
  const initText = part(root, '[data-part=init-text]');
  const warnings = part(root, '[data-part=warnings]');
  const refresh = cacheList(webinfer, part(root, '[data-part=cache]'), part(root, '[data-part=clear]'));
  // The cache list is a convenience: if Cache Storage fails, log it and carry on.
  const showCache = (): void =>
    void refresh().catch((error: unknown) => console.warn('webinfer demo: cache list', error));
  showCache();
  return {
    onProgress(progress) {
      if (progress.phase === 'init' || progress.phase === 'probe') {
        init.removeAttribute('value'); // indeterminate: the runtime does not report its own progress
        initText.textContent =
          progress.phase === 'init'
            ? 'compiling the runtime, creating the session…'
            : "checking WebGPU's answers and speed against WASM…";
        return;
      }
      part(root, '[data-part=model-label]').textContent =
        progress.phase === 'cache' ? 'Model (cache)' : 'Model (network)';
      if (progress.total === undefined) model.removeAttribute('value');
      else model.value = progress.total === 0 ? 1 : progress.loaded / progress.total;
      const of = progress.total === undefined ? '' : ` of ${size(progress.total)}`;
      modelText.textContent =
        progress.phase === 'cache' ? `${size(progress.loaded)} from Cache Storage` : `${size(progress.loaded)}${of}`;
    },
    onWarning(warning) {
      warnings.hidden = false;
      warnings.textContent = warning.message;
    },
    loaded(elapsedMs) {
      init.value = 1;
      initText.textContent = `ready in ${elapsedMs.toFixed(0)} ms`;
      showCache();
    },
  };
}
