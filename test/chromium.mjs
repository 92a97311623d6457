// The Chromium that every spec, benchmark and soak run drives: Debian's (or CHROMIUM_PATH), with the
// flags a machine without internet needs (no background requests to Google's hosts).
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
