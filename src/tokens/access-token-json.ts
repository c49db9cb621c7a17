/** An access token as Canvas's API and the CLI list it. */
import type { AccessTokenRecord } from './access-token-repository.js';

/** A token as Canvas's API lists it: never the token or its hash. */
export function tokenJson(t: AccessTokenRecord) {
  return {
    id: t.id,
    user_id: t.userId,
    developer_key_id: t.developerKeyId,
    purpose: t.purpose,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    workflow_state: t.workflowState,
    scopes: t.scopes,
    real_user_id: t.realUserId,
    token_hint: t.hint,
  };
}
