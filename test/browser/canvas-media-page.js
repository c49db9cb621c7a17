/**
 * Browser-side helpers of the canvas-media test page (bundled with Canvas's client by
 * canvas-media-client.ts): record a clip the way Canvas's media recorder does and hand it to
 * Canvas's own saveMediaRecording; call its saveClosedCaptions; read a player page's media state.
 * Results are plain objects so the test can compare them.
 */
import saveMediaRecording, { saveClosedCaptions } from '@instructure/canvas-media/es/saveMediaRecording.js';

/** A short WebM recording of a changing canvas (MediaRecorder, as Canvas's recorder uses). */
async function recordWebm(ms) {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const g = canvas.getContext('2d');
  let frame = 0;
  const paint = () => {
    g.fillStyle = `hsl(${(frame++ * 37) % 360}, 70%, 50%)`;
    g.fillRect(0, 0, 160, 120);
  };
  paint();
  const timer = setInterval(paint, 50);
  const recorder = new MediaRecorder(canvas.captureStream(20), { mimeType: 'video/webm' });
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start(100);
  await new Promise((resolve) => setTimeout(resolve, ms));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  return chunks;
}

function describeError(err) {
  if (!err) return { error: null, status: null, data: null };
  return { error: String(err.message ?? err), status: err.response?.status ?? null, data: err.response?.data ?? null };
}

/** Records, then runs saveMediaRecording exactly as the RCE does; resolves with what `done` got. */
async function recordAndSave({ token, contextType, contextId, name, userEnteredTitle, fileType = 'video/webm' }) {
  const file = new File(await recordWebm(700), name, { type: fileType });
  file.userEnteredTitle = userEnteredTitle;
  const progress = [];
  const outcome = await new Promise((resolve) => {
    saveMediaRecording(
      file,
      { contextType, contextId, headers: { Authorization: `Bearer ${token}` } },
      (err, data) => resolve({ err, data }),
      (p) => progress.push(p),
    );
  });
  return {
    ...describeError(outcome.err),
    mediaObject: outcome.data?.mediaObject ?? null,
    progress,
    recordedType: file.type,
    recordedBytes: file.size,
  };
}

/** saveClosedCaptions with subtitles as the RCE builds them: new ones carry a File, kept ones only a locale. */
async function saveCaptions({ mediaId, subtitles, token }) {
  const list = subtitles.map((s) =>
    s.content === undefined ? { locale: s.locale } : { locale: s.locale, isNew: true, file: new File([s.content], s.name ?? `${s.locale}.vtt`, { type: 'text/plain' }) },
  );
  try {
    const res = await saveClosedCaptions(mediaId, list, { headers: { Authorization: `Bearer ${token}` }, method: 'PUT' }, 1024 * 1024);
    return { ok: true, status: res.status, data: res.data, error: null };
  } catch (err) {
    return { ok: false, ...describeError(err) };
  }
}

window.canvasMediaTest = { recordAndSave, saveCaptions };
document.getElementById('status').textContent = 'ready';
