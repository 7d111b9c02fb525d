import type { AddressInfo } from 'node:net';

/** Addresses that mean "every interface": no browser opens them, localhost reaches them. */
const ANY = new Set(['0.0.0.0', '::', '']);

/** http://host:port for a bound listener, with an address a browser on this machine can open. */
export function openableOrigin(address: AddressInfo): string {
  const host = ANY.has(address.address) ? 'localhost' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export interface StartupLine {
  msg: string;
  url: string;
}

/**
 * What the start-up log says in plain words (issue 15): where to open the
 * customer site and the branch console, and the demo phone when there is one.
 * Built from the addresses the listeners really bound (PORT=0 included).
 */
export function startupLines(customer: AddressInfo, staff: AddressInfo, demo: boolean): StartupLine[] {
  const site = openableOrigin(customer);
  const note = (a: AddressInfo): string => (ANY.has(a.address) ? ` (listening on every interface, ${a.address || '0.0.0.0'})` : '');
  const lines = [
    { url: `${site}/`, msg: `Customer site: open ${site}/${note(customer)}` },
    { url: `${openableOrigin(staff)}/staff/login`, msg: `Branch console: open ${openableOrigin(staff)}/staff/login${note(staff)}` },
  ];
  if (demo) lines.push({ url: `${site}/softtoken`, msg: `Demo phone (VIP Access): open ${site}/softtoken` });
  return lines;
}
