import { load } from 'cheerio';
import { CookieJar } from './cookieJar';

/**
 * A browser with JavaScript off, over plain HTTP, for the black-box walk
 * (issue 12): it keeps its cookies, follows only what the pages offer (links
 * by their text, forms by their button, each form posted with its own hidden
 * fields and CSRF token) and knows nothing of the service but its address.
 */

export interface Answer {
  status: number;
  /** Where a redirect leads, as the service wrote it. */
  location: string | null;
  html: string;
  /** The node that answered, when a test's nginx says so (X-Upstream); undefined without a proxy. */
  upstream: string | undefined;
}

export class BlackBoxBrowser {
  private readonly cookies = new CookieJar();
  /** Every node that answered this browser, in order (behind nginx). */
  readonly upstreams: string[] = [];

  constructor(readonly base: string) {}

  open(pathname: string): Promise<Answer> {
    return this.send(pathname, { method: 'GET' });
  }

  /** A redirect's target, opened as the browser would. */
  follow(answer: Answer): Promise<Answer> {
    if (answer.status !== 303 && answer.status !== 302) throw new Error(`not a redirect: ${answer.status}\n${mainText(answer.html)}`);
    return this.open(answer.location!);
  }

  /** The link with exactly this text, anywhere on the page (the menu bar included). */
  click(page: Answer, text: string): Promise<Answer> {
    const $ = load(page.html);
    const href = $('a').filter((_, a) => collapse($(a).text()) === text).first().attr('href');
    if (!href) throw new Error(`no link 「${text}」 on 「${headingOf(page.html)}」`);
    return this.open(href);
  }

  /** Submits the form whose button reads `button`: its hidden fields (the CSRF token among them) and `fields`. */
  submit(page: Answer, button: string, fields: Record<string, string | string[]> = {}): Promise<Answer> {
    const $ = load(page.html);
    const form = $('form').filter((_, f) => $(f).find('button').toArray().some((b) => collapse($(b).text()) === button)).first();
    if (form.length === 0) throw new Error(`no form with the button 「${button}」 on 「${headingOf(page.html)}」`);
    const body = new URLSearchParams();
    form.find('input[type="hidden"]').each((_, i) => void body.append($(i).attr('name')!, $(i).attr('value') ?? ''));
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const method = (form.attr('method') ?? 'get').toUpperCase();
    const action = form.attr('action')!;
    if (method === 'GET') return this.open(`${action}?${body.toString()}`);
    return this.send(action, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async send(pathname: string, init: RequestInit): Promise<Answer> {
    const res = await fetch(new URL(pathname, this.base), {
      ...init,
      redirect: 'manual',
      headers: this.cookies.headers(init.headers as Record<string, string> | undefined),
    });
    this.cookies.take(res);
    const upstream = res.headers.get('x-upstream') ?? undefined;
    if (upstream) this.upstreams.push(upstream);
    return { status: res.status, location: res.headers.get('location'), html: await res.text(), upstream };
  }
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

export function headingOf(html: string): string {
  return collapse(load(html)('h1').first().text());
}

/** What the page says in <main> (the header with its name and ログアウト left out), whitespace collapsed. */
export function mainText(html: string): string {
  const $ = load(html);
  const main = $('main');
  return collapse(main.length > 0 ? main.text() : $.root().text());
}

/** The messages of the error summary (role="alert"). */
export function alertsOf(html: string): string[] {
  const $ = load(html);
  return $('[role="alert"] li').toArray().map((li) => collapse($(li).text()));
}

/** The definition of a term (dt → dd) on the page. */
export function termOf(html: string, term: string): string | undefined {
  const $ = load(html);
  const dt = $('dt').filter((_, d) => collapse($(d).text()) === term).first();
  return dt.length > 0 ? collapse(dt.next('dd').text()) : undefined;
}

/** The demo phone (/softtoken), read as its screen says: each token's Security Code under its Credential ID. */
export function phoneCodes(html: string): Record<string, string> {
  const $ = load(html);
  const codes: Record<string, string> = {};
  $('section').each((_, section) => {
    const heading = collapse($(section).find('h2').first().text());
    const id = /^Credential ID（トークンID）(.+)$/.exec(heading)?.[1]?.replace(/ /g, '');
    const dt = $(section).find('dt').filter((_, d) => collapse($(d).text()) === 'Security Code（セキュリティコード）').first();
    if (id && dt.length > 0) codes[id] = collapse(dt.next('dd').text());
  });
  return codes;
}

/** The value of the radio button or checkbox whose label reads `label` (inside the label, or named by its for=). */
export function choiceValue(html: string, label: string): string {
  const $ = load(html);
  const found = $('label').filter((_, l) => collapse($(l).text()) === label).first();
  const forId = found.attr('for');
  const input = forId ? $('input').filter((_, i) => $(i).attr('id') === forId).first() : found.find('input').first();
  const value = input.attr('value');
  if (value === undefined) throw new Error(`no choice labelled 「${label}」 on 「${headingOf(html)}」`);
  return value;
}
