import { describe, expect, it } from 'vitest';
import type { FlavorAsset } from '../kaltura/media-api.js';
import { buildMediaSources, flavorDownloadUrl, sortSources, sourceLabel, thumbnailUrl, urlBaseOf, type MediaSource } from './media-sources.js';

const base = { protocol: 'https' as const, host: 'cdn.kaltura.example.com', partnerId: '100', subpartnerId: '10000' };

describe('media sources', () => {
  it('builds Canvas\'s flavor URL and label', () => {
    expect(flavorDownloadUrl(base, '0_abcd1234', '0_flav0001', 'KS+/=', 'mp4')).toBe(
      'https://cdn.kaltura.example.com/p/100/sp/10000/download/entry_id/0_abcd1234/flavor/0_flav0001/ks/KS%2B%2F%3D/relocate/download.mp4',
    );
    expect(sourceLabel('2048')).toBe('2 kbps');
    expect(sourceLabel('900')).toBe('0 kbps');
    expect(sourceLabel(undefined)).toBe('0 kbps');
  });

  it('uses resource_domain before domain, and the protocol setting', () => {
    expect(urlBaseOf({ domain: 'k.example.com', resource_domain: 'cdn.example.com', partner_id: '1', subpartner_id: '100', protocol: 'http' })).toEqual({ protocol: 'http', host: 'cdn.example.com', partnerId: '1', subpartnerId: '100' });
    expect(urlBaseOf({ domain: 'k.example.com', partner_id: '1', subpartner_id: '100' })?.host).toBe('k.example.com');
    expect(urlBaseOf({ partner_id: '1' })).toBeNull();
  });

  it('keeps ready flavors with a known type, text values, and says whether the listing is complete', () => {
    const flavors: FlavorAsset[] = [
      { id: '0_orig0001', status: '2', fileExt: 'mov', isOriginal: 'true', bitrate: '5000' },
      { id: '0_mp4a0001', status: '2', fileExt: 'mp4', isOriginal: 'false', bitrate: '900', width: '640', height: '360', size: '13', containerFormat: 'isom' },
      { id: '0_conv0001', status: '1', fileExt: 'mp4', isOriginal: 'false', bitrate: '2500' },
      { id: '0_gone0001', status: '3', fileExt: 'mp4', isOriginal: 'false', bitrate: '2500' },
    ];
    const listing = buildMediaSources(flavors, '0_abcd1234', base, 'KS');
    expect(listing.complete).toBe(false);
    expect(listing.sources).toEqual([
      {
        height: '360',
        width: '640',
        containerFormat: 'isom',
        bitrate: '900',
        size: '13',
        isOriginal: '0',
        fileExt: 'mp4',
        content_type: 'video/mp4',
        url: flavorDownloadUrl(base, '0_abcd1234', '0_mp4a0001', 'KS', 'mp4'),
        src: flavorDownloadUrl(base, '0_abcd1234', '0_mp4a0001', 'KS', 'mp4'),
        label: '0 kbps',
      },
    ]);
    expect(buildMediaSources(flavors.filter((f) => f.status !== '1'), '0_abcd1234', base, 'KS').complete).toBe(true);
  });

  it('sorts as Canvas does: converted first, mp4 before flv, suspicious bitrates last, higher bitrate first', () => {
    const s = (fileExt: string, bitrate: string, isOriginal = '0') => ({ fileExt, bitrate, isOriginal, content_type: '', url: `${fileExt}${bitrate}${isOriginal}`, src: '', label: '' }) as MediaSource;
    const sorted = sortSources([s('mp4', '500', '1'), s('flv', '800'), s('mp4', '300'), s('mp4', '9000'), s('mp4', '700')]);
    expect(sorted.map((x) => x.url)).toEqual(['mp47000', 'mp43000', 'mp490000', 'flv8000', 'mp45001']);
  });

  it('builds Canvas\'s thumbnail URL, cleaning what goes into it', () => {
    expect(thumbnailUrl(base, '0_abcd1234')).toBe('https://cdn.kaltura.example.com/p/100/thumbnail/entry_id/0_abcd1234/width/140/height/100/bgcolor/ffffff/type/2/vid_sec/5');
    expect(thumbnailUrl(base, '0_ab/../cd', { width: 320.7, height: 180, type: 3, bgcolor: 'zz00ff' })).toBe(
      'https://cdn.kaltura.example.com/p/100/thumbnail/entry_id/0_abcd/width/320/height/180/bgcolor/00ff/type/3/vid_sec/5',
    );
  });
});
