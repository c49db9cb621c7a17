/** A developer key as the admin API and the CLI show it (Canvas's keys; ours have no api_key). */
import type { DeveloperKey } from './developer-key-repository.js';

/** A developer key as the API shows it. */
export function developerKeyJson(k: DeveloperKey) {
  return {
    id: k.id,
    name: k.name,
    created_at: k.createdAt,
    workflow_state: k.workflowState,
    require_scopes: k.requireScopes,
    scopes: k.scopes,
    account_id: k.accountId,
  };
}
