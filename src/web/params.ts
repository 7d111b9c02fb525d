import { notFound } from '../errors';

/** A route id (company, user, transfer): a positive integer, else the page does not exist (404). */
export function idParam(value: unknown): number {
  const text = String(value);
  if (!/^[1-9][0-9]{0,14}$/.test(text)) throw notFound();
  return Number(text);
}
