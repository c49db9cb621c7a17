/**
 * The Kaltura settings form: every field of Canvas's Kaltura settings page, grouped and labelled
 * as there, then the keys Canvas reads but does not show, then this service's session keys.
 * Pure data.
 */

/** Groups of fields: { title, intro?, fields: [{ key, label, type, hint?, options?, on?, off? }] }. */
export const SETTINGS_GROUPS = [
  {
    title: 'Domain Settings',
    fields: [
      { key: 'domain', label: 'Domain', type: 'text', hint: 'For hosted accounts, use "www.kaltura.com"' },
      { key: 'resource_domain', label: 'Resource Domain', type: 'text', hint: 'For hosted accounts, use "cdn.kaltura.com"' },
      { key: 'rtmp_domain', label: 'RTMP Domain', type: 'text', hint: 'For hosted accounts, use "www.kaltura.com"' },
    ],
  },
  {
    title: 'Account Settings',
    intro: 'These values can be found in the Kaltura Management Console under "Settings -> Integration Settings".',
    fields: [
      { key: 'partner_id', label: 'Partner ID', type: 'text' },
      { key: 'subpartner_id', label: 'Sub Partner ID', type: 'text' },
      { key: 'secret_key', label: 'Administrator Secret', type: 'secret' },
      { key: 'user_secret_key', label: 'User Secret', type: 'secret' },
    ],
  },
  {
    title: 'UI Conf IDs',
    intro: 'For Kaltura-hosted customers, you can ask Kaltura to provide you with these ids. Self-hosted instances can find these values in the ui_confs table.',
    fields: [
      { key: 'player_ui_conf', label: 'Player UI Conf ID', type: 'text' },
      { key: 'kcw_ui_conf', label: 'KCW UI Conf ID', type: 'text' },
      { key: 'upload_ui_conf', label: 'Uploader UI Conf ID', type: 'text' },
    ],
  },
  {
    title: 'Canvas Settings',
    fields: [
      { key: 'cache_play_list_seconds', label: 'Seconds to cache playlist URL', type: 'text', hint: "Empty means cache indefinitely, 0 means don't cache." },
    ],
  },
  {
    title: 'Misc. Settings',
    fields: [
      { key: 'kaltura_sis', label: 'Write SIS data to Kaltura', type: 'checkbox', on: '1', off: '0', hint: 'If checked user and course SIS data will be provided to Kaltura.' },
      { key: 'do_analytics', label: 'Send analytics events', type: 'checkbox', on: 'yes', off: 'no', hint: 'e.g. (domain/api_v3/index.php?service=stats&action=collect&...)' },
      { key: 'hide_rte_button', label: 'Hide the video icon in Rich Content Editor.', type: 'checkbox', on: 'yes', off: 'no', hint: '(still there for conversations/SpeedGrader/Media Recordings homework submissions)' },
      { key: 'js_uploader', label: 'Use html5 (accessible) uploader', type: 'checkbox', on: 'yes', off: 'no' },
    ],
  },
  {
    title: 'Keys Canvas reads (not on its settings page)',
    fields: [
      { key: 'protocol', label: 'Protocol for Kaltura URLs', type: 'select', options: [['', 'Default (https for Kaltura calls; the request scheme for upload URLs)'], ['https', 'https'], ['http', 'http']] },
      { key: 'player_cache_st', label: 'Player cache timestamp (player_cache_st)', type: 'text' },
      { key: 'max_file_size_bytes', label: 'Largest upload (bytes)', type: 'text', hint: 'Blank: 534773760 (510 MiB).' },
      { key: 'endpoint', label: 'API path', type: 'text', hint: 'Blank: /api_v3' },
    ],
  },
  {
    title: 'Sessions (this service)',
    intro: 'How this service starts Kaltura sessions: minted locally with the administrator secret, by calling session.start (Canvas\'s way), or with an app token.',
    fields: [
      { key: 'session_mode', label: 'Session mode', type: 'select', options: [['', 'Default (local)'], ['local', 'local'], ['remote', 'remote'], ['app_token', 'app_token']] },
      { key: 'ks_version', label: 'KS version (local mode)', type: 'select', options: [['', 'Default (2)'], ['2', '2'], ['1', '1']] },
      { key: 'session_expiry', label: 'Session lifetime (seconds)', type: 'text', hint: '60 to 86400; blank: 21600.' },
      { key: 'session_privileges', label: 'Session privileges', type: 'text', hint: 'Kaltura syntax, e.g. "sview:*,list:*".' },
      { key: 'app_token_id', label: 'App token id', type: 'text' },
      { key: 'app_token', label: 'App token', type: 'secret' },
      { key: 'app_token_hash_type', label: 'App token hash type', type: 'select', options: [['', 'Default (SHA256)'], ['SHA256', 'SHA256'], ['SHA1', 'SHA1'], ['MD5', 'MD5'], ['SHA512', 'SHA512']] },
      { key: 'kaltura_timeout_ms', label: 'Kaltura timeout (milliseconds)', type: 'text', hint: 'Blank: 5000.' },
    ],
  },
];

/** True for the stored forms of a checked box (booleans, Canvas's "1"/"yes"/"true"). */
export function isChecked(value) {
  return value === true || ['1', 'yes', 'true', 'on', 'y', 't'].includes(String(value).toLowerCase());
}
