import type { WatchdogMessage } from '../shared/protocol.js';

/**
 * The page's half of the watchdog: a worker blocked in a run that never ends answers nothing, so only
 * the page can notice, by the deadline the worker armed before the run. Returns the port to hand to the
 * worker; `onOverstay` hears, once a deadline passes, which run overstayed.
 */
export function startWatchdog(onOverstay: (detail: string) => void): MessagePort {
  const channel = new MessageChannel();
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  channel.port1.onmessage = ({ data }: MessageEvent<WatchdogMessage>) => {
    if ('disarm' in data) {
      clearTimeout(timers.get(data.disarm));
      timers.delete(data.disarm);
      return;
    }
    const overstayed = () => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      channel.port1.close();
      onOverstay(`${data.what} did not finish within ${Math.round(data.ms)} ms`);
    };
    timers.set(data.arm, setTimeout(overstayed, data.ms));
  };
  return channel.port2;
}
