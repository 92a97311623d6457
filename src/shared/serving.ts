// The worker's first word to the page: what `serve()` posts once its host listens.
export const servingMessage = { webinferServing: true } as const;

export function isServingMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { webinferServing?: unknown }).webinferServing === true;
}
