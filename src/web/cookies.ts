import type { Config } from '../config';

/**
 * A cookie's name as the service sets it. In production it carries the
 * __Host- prefix: the browser then accepts it only with Secure, Path=/ and no
 * Domain, so neither a plain-HTTP page nor a sibling subdomain can plant or
 * overwrite it.
 */
export function hostOnlyCookieName(config: Pick<Config, 'env'>, name: string): string {
  return config.env === 'production' ? `__Host-${name}` : name;
}
