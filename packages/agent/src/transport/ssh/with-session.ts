import { backoff, isConnectionFailure } from './reconnect-policy.ts';
import type { SshSession } from './ssh-session.ts';
import type { TransferContext } from './transfer-context.ts';

/**
 * Runs `work` on the live connection, reconnecting after drops; `work` must
 * be safe to repeat. `what` names the action in errors (`upload /x`).
 */
export async function withSession<T>(transfer: TransferContext, signal: AbortSignal | undefined, what: string, work: (session: SshSession) => Promise<T>): Promise<T> {
  for (let failures = 0; ; ) {
    try {
      const session = await transfer.connection.session(signal);
      try {
        return await work(session);
      } catch (error) {
        throw session.error(error, what);
      }
    } catch (error) {
      if (signal?.aborted || !isConnectionFailure(error) || ++failures > transfer.reconnect.retries) throw error;
      await backoff(transfer.reconnect, failures, signal);
    }
  }
}
