/**
 * The session answer's `kaltura_setting` as JSON, for the fast lane: the same bytes the route's
 * response schema writes for {@link uploadConfig}, from a prefix kept per settings object and
 * request scheme. Only `partner_data` (the account's and user's UUIDs) differs between callers,
 * and it is the object's last key; serializing the eighteen keys on every
 * `include_upload_config=1` request cost more than the rest of the answer's JSON.
 */
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { EffectiveSettings } from '../settings/kaltura-settings.js';
import { partnerData, uploadConfig } from '../sessions/kaltura-service.js';
import { uploadConfigSchema } from './routes/services.js';

/** Stands for `partner_data` while the prefix is made: JSON writes it as is. */
const MARKER = 'partner-data-marker';
const MARKER_TAIL = `"partner_data":${JSON.stringify(MARKER)}}`;

/** `kaltura_setting` JSON per settings object (kept while the settings object lives) and scheme. */
export class UploadConfigJson {
  private readonly serialize = fastJsonStringify(uploadConfigSchema as unknown as Schema) as (config: unknown) => string;
  private readonly prefixes = new WeakMap<EffectiveSettings, Map<string, string>>();

  /** `kaltura_setting` of a session minted under `settings`, as JSON. */
  json(settings: EffectiveSettings, requestScheme: string, accountUuid: string, userUuid: string): string {
    let byScheme = this.prefixes.get(settings);
    if (byScheme === undefined) this.prefixes.set(settings, (byScheme = new Map()));
    let prefix = byScheme.get(requestScheme);
    if (prefix === undefined) byScheme.set(requestScheme, (prefix = this.prefix(settings, requestScheme)));
    return `${prefix}"partner_data":${JSON.stringify(partnerData(accountUuid, userUuid))}}`;
  }

  /** Everything before `"partner_data":`. */
  private prefix(settings: EffectiveSettings, requestScheme: string): string {
    const config = uploadConfig(settings.plain, requestScheme, '', '');
    config.partner_data = MARKER;
    const whole = this.serialize(config);
    if (!whole.endsWith(MARKER_TAIL)) throw new Error('kaltura_setting: partner_data is not the last key of its JSON');
    return whole.slice(0, whole.length - MARKER_TAIL.length);
  }
}

/**
 * The session answer's JSON (`kaltura_setting` left out) with `kaltura_setting` added as its
 * last key, where the response schema writes it.
 */
export function withUploadConfigJson(sessionJson: string, uploadConfigJson: string): string {
  if (!sessionJson.endsWith('}')) throw new Error('session JSON must be an object');
  return `${sessionJson.slice(0, -1)},"kaltura_setting":${uploadConfigJson}}`;
}
