const channel = new MessageChannel();
const callbacks: (() => void)[] = [];
channel.port1.onmessage = () => callbacks.shift()?.();
// Node (unit tests) would otherwise stay alive for this port; browsers have no unref.
(channel.port1 as { unref?: () => void }).unref?.();

/**
 * Runs `callback` in a new task, after the messages already waiting in this worker's queue. A
 * microtask would run before them (so a synchronous WASM run would never see its company), and
 * setTimeout(0) is clamped to 4 ms once timers nest.
 */
export function nextTask(callback: () => void): void {
  callbacks.push(callback);
  channel.port2.postMessage(null);
}
