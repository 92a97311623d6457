/** Now, in ms comparable across threads: the page's clock and a worker's share the epoch. */
export const absoluteNow = (): number => performance.timeOrigin + performance.now();
