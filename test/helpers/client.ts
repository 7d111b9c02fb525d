import request from 'supertest';
import type { Express } from 'express';
import type { Response } from 'supertest';

/** Reads the CSRF token a page embedded in its forms. */
export function csrfTokenOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** The Set-Cookie header a response gave the cookie `name`, attributes included. */
export function setCookieOf(res: Response, name: string): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
}

/**
 * Drives the app as a browser with JavaScript off would: it keeps the session
 * cookie, reads the _csrf field from the page that holds the form, and posts
 * the form back with it.
 */
export class FormClient {
  readonly agent: ReturnType<typeof request.agent>;
  private token: string | undefined;

  constructor(app: Express) {
    this.agent = request.agent(app);
  }

  async get(path: string): Promise<Response> {
    const res = await this.agent.get(path);
    this.token = csrfTokenOf(res.text) ?? this.token;
    return res;
  }

  /** Opens the page holding the form, then posts it with that page's token. */
  async submit(formPage: string, action: string, fields: Record<string, string | string[]>): Promise<Response> {
    await this.get(formPage);
    return this.post(action, fields);
  }

  /** Posts with the last token seen (or none, when no page was read yet). */
  post(action: string, fields: Record<string, string | string[]>): Promise<Response> {
    return this.agent
      .post(action)
      .type('form')
      .send({ ...(this.token ? { _csrf: this.token } : {}), ...fields });
  }

  csrfToken(): string | undefined {
    return this.token;
  }

  async login(loginId: string, password: string): Promise<Response> {
    const res = await this.submit('/login', '/login', { loginId, password });
    this.token = undefined; // the session was regenerated, and its token with it
    return res;
  }

  async staffLogin(staffId: string, password: string): Promise<Response> {
    const res = await this.submit('/staff/login', '/staff/login', { staffId, password });
    this.token = undefined;
    return res;
  }
}
