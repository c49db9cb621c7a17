/** Developer keys: creation and changes, with Canvas's rule that removing scopes deletes the key's tokens. */
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { DeveloperKey, DeveloperKeyRepository } from './developer-key-repository.js';

/**
 * What this service needs of the access tokens (src/tokens/access-token-repository.ts): tokens
 * belong to a developer key, so the tokens' code knows the keys, and not the other way round.
 */
export interface DeveloperKeyTokens {
  /** Deletes the tokens issued under the key; resolves to how many there were. */
  revokeForDeveloperKey(developerKeyId: number): Promise<number>;
}

/** Thrown for a developer-key request that breaks a rule. */
export class DeveloperKeyInputError extends Error {}

export interface DeveloperKeyPatch {
  name?: string;
  requireScopes?: boolean;
  scopes?: string[];
  active?: boolean;
}

/** Developer keys and their effect on tokens. */
export class DeveloperKeyService {
  constructor(
    readonly repo: DeveloperKeyRepository,
    private readonly tokens: DeveloperKeyTokens,
    private readonly knownScopes: () => ReadonlySet<string>,
    private readonly bus: InvalidationBus,
  ) {}

  private checkScopes(scopes: string[]): string[] {
    const known = this.knownScopes();
    const unique = [...new Set(scopes)];
    const unknown = unique.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new DeveloperKeyInputError(`unknown scope: ${unknown.join(', ')}`);
    return unique;
  }

  async create(input: { accountId: number; name: string; requireScopes: boolean; scopes: string[] }): Promise<DeveloperKey> {
    if (input.name.trim() === '') throw new DeveloperKeyInputError('name must not be blank');
    return this.repo.create({ ...input, name: input.name.trim(), scopes: this.checkScopes(input.scopes) });
  }

  /** Applies a change; when scopes are removed, the key's tokens are deleted (Canvas). */
  async update(id: number, patch: DeveloperKeyPatch): Promise<DeveloperKey> {
    const key = await this.repo.findById(id);
    if (!key || key.workflowState === 'deleted') throw new DeveloperKeyInputError(`developer key ${id} not found`);
    const scopes = patch.scopes !== undefined ? this.checkScopes(patch.scopes) : undefined;
    if (patch.name !== undefined && patch.name.trim() === '') throw new DeveloperKeyInputError('name must not be blank');
    await this.repo.update(id, {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.requireScopes !== undefined ? { requireScopes: patch.requireScopes } : {}),
      ...(scopes !== undefined ? { scopes } : {}),
      ...(patch.active !== undefined ? { workflowState: patch.active ? 'active' : 'inactive' } : {}),
    });
    if (scopes !== undefined && key.scopes.some((s) => !scopes.includes(s))) {
      await this.tokens.revokeForDeveloperKey(id);
    }
    this.bus.publish('developer-key', String(id));
    return (await this.repo.findById(id))!;
  }

  /** Deletes a key and its tokens. */
  async delete(id: number): Promise<DeveloperKey> {
    const key = await this.repo.findById(id);
    if (!key || key.workflowState === 'deleted') throw new DeveloperKeyInputError(`developer key ${id} not found`);
    await this.repo.update(id, { workflowState: 'deleted' });
    await this.tokens.revokeForDeveloperKey(id);
    this.bus.publish('developer-key', String(id));
    return { ...key, workflowState: 'deleted' };
  }
}
