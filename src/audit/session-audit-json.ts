/** An audit entry (one minted session) as the admin API and the CLI show it. */
import type { SessionAuditEntry } from './session-audit-repository.js';

/** An audit entry as the API shows it. */
export function sessionEntryJson(e: SessionAuditEntry) {
  return {
    id: e.id,
    created_at: e.createdAt,
    account_id: e.accountId,
    user_id: e.userId,
    real_user_id: e.realUserId,
    uid: e.uid,
    mode: e.mode,
    expires_at: e.expiresAt,
    privileges: e.privileges,
    ks_tail: e.ksTail,
    client_ip: e.clientIp,
    request_id: e.requestId,
  };
}
