/**
 * The cookies a black-box HTTP client keeps between requests (fetch keeps
 * none): sent back on every request, replaced by what each answer sets, and
 * dropped when an answer clears one (empty and already expired, as a logout does).
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Headers carrying the kept cookies, merged over `headers`. */
  headers(headers?: Record<string, string>): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...headers, ...(cookie ? { cookie } : {}) };
  }

  /** Takes what an answer's Set-Cookie lines say. */
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
