// A worker entry that forgot to call serve(): connect must give up with a hint, not wait for ever.
self.addEventListener('message', () => undefined);
