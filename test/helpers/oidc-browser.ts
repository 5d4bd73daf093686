/**
 * A browser stand-in for the local OpenID provider's sign-in: follows the
 * authorization request's redirects with a cookie jar, posts the login form
 * and stops at the redirect to the client's callback, whose URL it returns
 * (without calling it). For tests of the provider itself; the end-to-end test
 * of `gcr login` drives Chromium instead.
 */
export async function signInOverHttp(authorizeUrl: string, user: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const origin = new URL(authorizeUrl).origin;
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  let response = await go(authorizeUrl);
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get('location');
    if (response.status === 200) {
      const page = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
      if (!action) throw new Error(`no login form at ${response.url}: ${page.slice(0, 300)}`);
      response = await go(new URL(action, origin).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: user, password }).toString(),
      });
      continue;
    }
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`sign-in stopped with HTTP ${response.status}: ${await response.text()}`);
    }
    const next = new URL(location, origin);
    if (next.origin !== origin) return next.href;
    response = await go(next.href);
  }
  throw new Error('sign-in did not reach the callback in 10 steps');
}
