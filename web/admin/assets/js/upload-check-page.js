/**
 * The media upload check: does what Canvas's rich content editor does to upload media — a
 * session from POST /api/v1/services/kaltura_session?include_upload_config=1, then
 * @instructure/k5uploader with the session and its uploadUrl / entryUrl / uiconfUrl — and shows
 * the entry id Kaltura created, or each error k5uploader reports. The KS is never displayed.
 * Like Canvas's media comment uploader (KalturaSessionLoader), the session handed to k5uploader
 * carries `ui_conf_id` = the Uploader UI Conf ID setting, which partnerservices2/getuiconf needs.
 */
import { K5Uploader } from '/admin/vendor/k5uploader/index.js';
import { api, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors } from './dom.js';
import { startPage } from './layout.js';

const profile = startPage();
const form = byId('upload-form');
const status = byId('upload-status');
const progress = byId('upload-progress');
const errorBox = byId('upload-errors');
let secretsToHide = [];
let uploader = null;
/** What the uploader is doing: idle | uiconf | upload (to explain failures k5uploader does not report). */
let phase = 'idle';
let uiConfId = '';

/** Removes the KS (and anything KS-like) from text shown to people. */
function scrub(text) {
  let out = String(text ?? '');
  for (const secret of secretsToHide) if (secret) out = out.split(secret).join('[KS]');
  return out.replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, '[KS]');
}

function reportError(message) {
  errorBox.hidden = false;
  byId('upload-error-list').append(h('li', {}, scrub(message)));
  announce(status, 'The upload check failed.', 'error');
}

/** Kaltura's partnerservices2 error (code: description) from an XML answer, if any. */
function kalturaError(xmlText) {
  if (typeof xmlText !== 'string' || xmlText === '') return null;
  const doc = new DOMParser().parseFromString(xmlText, 'application/xml');
  const error = doc.querySelector('error > *');
  if (!error) return null;
  const code = error.querySelector('code')?.textContent ?? '';
  const desc = error.querySelector('desc')?.textContent ?? '';
  return [code, desc].filter(Boolean).join(': ') || null;
}

function describeK5Error(detail) {
  if (detail && typeof detail === 'object' && 'isError' in detail) {
    // An UploadResult: Kaltura answered the upload with an error envelope.
    const text = detail.xml ? new XMLSerializer().serializeToString(detail.xml) : '';
    return `Kaltura refused the upload: ${kalturaError(text) ?? 'unreadable answer'}`;
  }
  if (typeof detail === 'string') return `Kaltura did not create the entry: ${kalturaError(detail) ?? 'unexpected answer'}`;
  return 'The upload failed.';
}

function finish() {
  phase = 'idle';
  progress.hidden = true;
  byId('start-upload').disabled = false;
  uploader?.destroy();
  uploader = null;
}

// k5uploader has no error event for network failures; the browser's own signals are shown instead.
document.addEventListener('securitypolicyviolation', (event) => {
  reportError(`The browser blocked a connection to ${event.blockedURI} (Content-Security-Policy ${event.violatedDirective}). Reload this page after changing the Kaltura domain or protocol.`);
  finish();
});
window.addEventListener('error', (event) => {
  // k5uploader throws (instead of reporting K5.uiconfError) when getuiconf answers with an error.
  reportError(
    phase === 'uiconf'
      ? `Kaltura sent no uploader configuration for ui conf ${uiConfId || '(none)'}; check the Uploader UI Conf ID setting. (${event.message})`
      : `The uploader stopped: ${event.message}`,
  );
  finish();
});

async function startUpload(file) {
  announce(status, 'Starting a Kaltura session…');
  let session;
  try {
    ({ data: session } = await api('POST', '/api/v1/services/kaltura_session', { query: { include_upload_config: 1 } }));
  } catch (err) {
    if (err instanceof SignedOut) return;
    reportError(`No Kaltura session: ${err.message}`);
    finish();
    return;
  }
  secretsToHide = [session.ks];
  const setting = session.kaltura_setting ?? {};
  const kalturaSession = { ...session };
  delete kalturaSession.kaltura_setting;
  if (setting.upload_ui_conf !== undefined) kalturaSession.ui_conf_id = setting.upload_ui_conf;
  uiConfId = setting.upload_ui_conf ?? '';
  announce(status, `Loading the uploader configuration from ${new URL(setting.uiconfUrl).host}…`);
  phase = 'uiconf';
  uploader = new K5Uploader({
    kaltura_session: kalturaSession,
    allowedMediaTypes: ['audio', 'video'],
    uploadUrl: setting.uploadUrl,
    entryUrl: setting.entryUrl,
    uiconfUrl: setting.uiconfUrl,
    entryDefaults: { partnerData: setting.partner_data },
  });
  uploader.addEventListener('K5.ready', () => {
    phase = 'upload';
    announce(status, `Uploading ${file.name}…`);
    progress.hidden = false;
    uploader.uploadFile(file);
  });
  uploader.addEventListener('K5.progress', (event) => {
    if (event && event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
  });
  uploader.addEventListener('K5.complete', (entry) => {
    byId('entry-id').textContent = entry.entryId ?? entry.id ?? '';
    byId('upload-result').hidden = false;
    announce(status, `Upload complete: entry ${entry.entryId ?? entry.id}.`, 'ok');
    finish();
  });
  uploader.addEventListener('K5.error', (detail) => {
    reportError(describeK5Error(detail));
    finish();
  });
  uploader.addEventListener('K5.fileError', (detail) => {
    const types = (detail?.allowedMediaTypes ?? []).join(', ');
    reportError(`Kaltura does not accept ${detail?.file?.name ?? 'this file'}: allowed media types are ${types}, at most ${detail?.maxFileSize} MB.`);
    finish();
  });
  uploader.addEventListener('K5.uiconfError', (detail) => {
    reportError(`Could not load the uploader configuration from Kaltura: ${kalturaError(detail) ?? 'unexpected answer'}`);
    finish();
  });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  errorBox.hidden = true;
  byId('upload-error-list').replaceChildren();
  byId('upload-result').hidden = true;
  const file = byId('media-file').files?.[0];
  if (!file) {
    showFieldErrors(form, [{ field: 'file', message: 'Choose a video or audio file.' }]);
    return;
  }
  byId('start-upload').disabled = true;
  progress.value = 0;
  startUpload(file);
});

if (!profile) form.hidden = true;
