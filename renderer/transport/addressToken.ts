/**
 * `datum serve` prints `http://127.0.0.1:<port>/?token=...`. The response that delivered this page
 * already set the HttpOnly cookie, so the token is no longer needed in the address: left there it
 * ends up in history, bookmarks and screenshots. Other query parameters and the #route are kept.
 */
export function withoutToken(href: string): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return url.pathname + url.search + url.hash;
}

export function dropTokenFromAddressBar(): void {
  const next = withoutToken(location.href);
  if (next !== null) history.replaceState(history.state, '', next);
}
