/**
 * KalturaMediaEntry and KalturaFlavorAsset as api_v3 renders them (properties in the order of
 * Kaltura's type declarations: KalturaBaseEntry → KalturaPlayableEntry → KalturaMediaEntry, and
 * KalturaAsset → KalturaFlavorAsset). Properties the double has no value for stay null.
 */
import type { KalturaObject } from './responses.js';
import { FLAVOR_STATUS, type CreatedEntry, type FlavorAsset } from './state.js';

/** The flavor's api_v3 object. */
export function flavorAssetObject(f: FlavorAsset): KalturaObject {
  return {
    objectType: 'KalturaFlavorAsset',
    props: [
      // KalturaAsset
      ['id', f.id],
      ['entryId', f.entryId],
      ['partnerId', Number(f.partnerId)],
      ['version', f.version],
      ['size', f.size],
      ['tags', f.tags],
      ['fileExt', f.fileExt],
      ['createdAt', f.createdAt],
      ['updatedAt', f.updatedAt],
      ['deletedAt', null],
      ['description', f.description],
      ['partnerData', null],
      ['partnerDescription', null],
      ['actualSourceAssetParamsIds', null],
      ['sizeInBytes', f.data ? f.data.length : 0],
      // KalturaFlavorAsset
      ['flavorParamsId', f.flavorParamsId],
      ['width', f.width],
      ['height', f.height],
      ['bitrate', f.bitrate],
      ['frameRate', f.frameRate],
      ['isOriginal', f.isOriginal],
      ['isWeb', f.isWeb],
      ['containerFormat', f.containerFormat],
      ['videoCodecId', f.videoCodecId],
      ['status', f.status],
      ['language', null],
      ['label', null],
      ['isDefault', null],
    ],
  };
}

/** The entry's api_v3 object; `baseUrl` is the double's own URL (thumbnail, download and data URLs). */
export function mediaEntryObject(entry: CreatedEntry, flavors: readonly FlavorAsset[], baseUrl: string): KalturaObject {
  const p = `${baseUrl}/p/${entry.partnerId}/sp/${entry.subpId}`;
  const ready = flavors.filter((f) => f.status === FLAVOR_STATUS.READY);
  const largest = [...ready].sort((a, b) => b.width * b.height - a.width * a.height)[0];
  return {
    objectType: 'KalturaMediaEntry',
    props: [
      // KalturaBaseEntry
      ['id', entry.id],
      ['name', entry.name],
      ['description', null],
      ['partnerId', Number(entry.partnerId)],
      ['userId', entry.puserId],
      ['creatorId', entry.puserId],
      ['tags', null],
      ['adminTags', null],
      ['categories', null],
      ['categoriesIds', null],
      ['status', entry.status],
      ['moderationStatus', 6], // AUTO_APPROVED
      ['moderationCount', 0],
      ['type', entry.type],
      ['createdAt', entry.createdAt],
      ['updatedAt', entry.createdAt],
      ['rank', 0],
      ['totalRank', 0],
      ['votes', 0],
      ['groupId', null],
      ['partnerData', entry.partnerData === '' ? null : entry.partnerData],
      ['downloadUrl', `${p}/playManifest/entryId/${entry.id}/format/download/protocol/http/flavorParamIds/0`],
      ['searchText', `_PAR_ONLY_ _${entry.partnerId}_ _MEDIA_TYPE_${entry.mediaType}|  ${entry.name} `],
      ['licenseType', -1],
      ['version', 100000],
      ['thumbnailUrl', `${p}/thumbnail/entry_id/${entry.id}/version/100000`],
      ['accessControlId', null],
      ['startDate', null],
      ['endDate', null],
      ['referenceId', null],
      ['replacingEntryId', null],
      ['replacedEntryId', null],
      ['replacementStatus', 0],
      ['partnerSortValue', 0],
      ['conversionProfileId', entry.conversionProfile === null ? null : Number(entry.conversionProfile) || null],
      ['redirectEntryId', null],
      ['rootEntryId', entry.id],
      ['parentEntryId', null],
      ['operationAttributes', []],
      ['entitledUsersEdit', null],
      ['entitledUsersPublish', null],
      ['entitledUsersView', null],
      ['capabilities', ''],
      ['templateEntryId', null],
      ['displayInSearch', 1],
      // KalturaPlayableEntry
      ['plays', 0],
      ['views', 0],
      ['lastPlayedAt', null],
      ['width', largest?.width ?? 0],
      ['height', largest?.height ?? 0],
      ['duration', Math.round(entry.durationMs / 1000)],
      ['msDuration', entry.durationMs],
      ['durationType', null],
      // KalturaMediaEntry
      ['mediaType', entry.mediaType],
      ['conversionQuality', null],
      ['sourceType', '1'], // FILE
      ['searchProviderType', null],
      ['searchProviderId', null],
      ['creditUserName', null],
      ['creditUrl', null],
      ['mediaDate', null],
      ['dataUrl', `${p}/flvclipper/entry_id/${entry.id}/version/0`],
      ['flavorParamsIds', flavors.map((f) => f.flavorParamsId).join(',')],
      ['isTrimDisabled', null],
      ['streams', null],
    ],
  };
}
