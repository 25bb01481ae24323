/**
 * Where a tool may send a request that carries a token or a webhook key: https anywhere, plain
 * http only to this machine (for local test servers).
 */

/** `localhost`, an IPv4 address in 127.0.0.0/8, or `[::1]` (as `URL#hostname` spells them). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  // URL has already normalised IPv4 forms (127.1, 0x7f.0.0.1) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True for `https:`, or `http:` to a loopback host. */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}
