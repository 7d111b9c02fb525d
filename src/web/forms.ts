import type { Response } from 'express';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Validates a posted form with a zod schema whose messages are Japanese. The
 * first message per field is kept so the page can show it beside the field and
 * in the summary at the top.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Keeps what the user typed, minus the secrets, to refill the form. */
export function keepValues(body: unknown, secrets: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string' && k !== '_csrf' && !secrets.includes(k)) values[k] = v.slice(0, 200);
  }
  return values;
}

/** Re-renders a form with 400 (or the given status), its messages and the kept values. */
export function renderInvalid(
  res: Response,
  view: string,
  locals: Record<string, unknown> & { errors: FieldErrors; values: Record<string, string> },
  status = 400,
): void {
  res.status(status).render(view, locals);
}
