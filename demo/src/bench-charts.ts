// The Benchmark panel's two charts, drawn with uPlot: a latency histogram and throughput against
// concurrency, webinfer beside raw onnxruntime-web.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const colours = { webinfer: '#2563eb', raw: '#c2410c' } as const;
const width = (host: HTMLElement): number => Math.max(240, Math.min(host.clientWidth || 700, 720));
const height = 240;
// The legend names the series; live values under the cursor read "--" until one hovers, and a
// touch screen never hovers.
const legend = { live: false };

/** The resize watch of the chart in each host: a new chart there replaces it. */
const watches = new WeakMap<HTMLElement, ResizeObserver>();

/** Draws `options` into `host`, and redraws at the host's width whenever the page is resized. */
function chart(
  host: HTMLElement,
  options: Omit<uPlot.Options, 'width' | 'height' | 'legend'>,
  data: uPlot.AlignedData,
): uPlot {
  const plot = new uPlot({ ...options, width: width(host), height, legend }, data, host);
  watches.get(host)?.disconnect();
  const watch = new ResizeObserver(() => plot.setSize({ width: width(host), height }));
  watch.observe(host);
  watches.set(host, watch);
  return plot;
}

/** Counts of each side's latencies in shared bins between their 1st and 99th percentiles. */
export function histogram(webinfer: readonly number[], raw: readonly number[], bins = 30): uPlot.AlignedData {
  const all = [...webinfer, ...raw].sort((a, b) => a - b);
  const low = all[Math.floor(all.length * 0.01)] ?? 0;
  const high = all[Math.ceil(all.length * 0.99) - 1] ?? 1;
  const step = Math.max((high - low) / bins, 1e-3);
  const count = (values: readonly number[]): number[] => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) {
      const i = Math.min(bins - 1, Math.max(0, Math.floor((v - low) / step)));
      counts[i] = (counts[i] ?? 0) + 1;
    }
    return counts;
  };
  const centres = Array.from({ length: bins }, (_, i) => low + (i + 0.5) * step);
  return [centres, count(webinfer), count(raw)];
}

export function latencyChart(host: HTMLElement, data: uPlot.AlignedData): uPlot {
  // uPlot types its path builders as optional; the full build (the one bundled) has them.
  const bars = (align: -1 | 1): Partial<uPlot.Series> =>
    uPlot.paths.bars === undefined ? {} : { paths: uPlot.paths.bars({ size: [0.45], align }), points: { show: false } };
  return chart(
    host,
    {
      title: 'Latency per call (sequential calls)',
      scales: { x: { time: false } },
      axes: [{ label: 'ms per call' }, { label: 'calls' }],
      series: [
        { label: 'ms', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
        { label: 'webinfer', stroke: colours.webinfer, fill: `${colours.webinfer}99`, ...bars(-1) },
        { label: 'raw ORT in a worker', stroke: colours.raw, fill: `${colours.raw}99`, ...bars(1) },
      ],
    },
    data,
  );
}

export function throughputChart(host: HTMLElement, data: uPlot.AlignedData): uPlot {
  return chart(
    host,
    {
      title: 'Throughput against calls in flight',
      scales: { x: { time: false, distr: 3, log: 2 } },
      axes: [{ label: 'calls in flight' }, { label: 'calls / s' }],
      series: [
        { label: 'in flight' },
        { label: 'webinfer (coalesced)', stroke: colours.webinfer, width: 2, points: { show: true } },
        { label: 'raw ORT in a worker (queued)', stroke: colours.raw, width: 2, points: { show: true } },
      ],
    },
    data,
  );
}

export function workersChart(host: HTMLElement, data: uPlot.AlignedData): uPlot {
  return chart(
    host,
    {
      title: 'Throughput against workers (256 calls in flight)',
      scales: { x: { time: false } },
      axes: [{ label: 'workers (load option workers)', incrs: [1] }, { label: 'calls / s' }],
      series: [{ label: 'workers' }, { label: 'webinfer', stroke: colours.webinfer, width: 2, points: { show: true } }],
    },
    data,
  );
}
