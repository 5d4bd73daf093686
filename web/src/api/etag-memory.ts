/**
 * Polling with ETag / If-None-Match (docs/WEB.md, "Live updates"): the last
 * body and ETag of each polled request, so a poll sends If-None-Match and a
 * 304 (nothing changed) answers the body already held: the same object,
 * which react-query's structural sharing turns into no re-render at all.
 */
export interface EtagMemory<T> {
  /** The If-None-Match header for this request, when an earlier answer had an ETag. */
  ifNoneMatch(key: string): { 'If-None-Match'?: string };
  /** The body to use for an answer: the remembered one for a 304, else `body` (remembered with its ETag). */
  settle(key: string, response: Response, body: T | undefined): T | undefined;
}

export function etagMemory<T>(): EtagMemory<T> {
  const entries = new Map<string, { etag: string; body: T }>();
  return {
    ifNoneMatch(key) {
      const entry = entries.get(key);
      return entry ? { 'If-None-Match': entry.etag } : {};
    },
    settle(key, response, body) {
      if (response.status === 304) return entries.get(key)?.body;
      const etag = response.headers.get('etag');
      if (etag && body !== undefined) entries.set(key, { etag, body });
      return body;
    },
  };
}
