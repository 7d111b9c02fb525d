import type { Deps } from '../deps';
import { mailboxTransport, smtpTransport } from './transport';
import { OutboxWorker } from './worker';

export { OutboxWorker } from './worker';

/** The outbox's worker for the configured transport; none when notices are switched off (MAIL_DISABLED). */
export function createOutboxWorker(deps: Deps, options: { pollMs?: number; batchSize?: number } = {}): OutboxWorker | undefined {
  const { mail } = deps.config;
  if (mail.transport === 'disabled') return undefined;
  const transport = mail.transport === 'smtp' ? smtpTransport(mail) : mailboxTransport(deps.repos.mailbox, deps.clock);
  return new OutboxWorker(deps, transport, options);
}
