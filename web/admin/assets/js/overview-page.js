/**
 * The overview: the charts the overview API returns (sessions per mode, Kaltura calls per
 * outcome, latency), drawn with uPlot, each with a text summary (its aria-describedby) and a
 * data table; each Kaltura endpoint's circuit state; the settings check's last answer. The page
 * draws whatever charts the API lists, so a new series on the server needs no change here.
 */
import uPlot from '/admin/vendor/uplot/uPlot.esm.js';
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';

const profile = startPage();
const form = byId('overview-form');
const status = byId('overview-status');
const chartsBox = byId('charts');
const accountSelect = byId('o-account');
const accountId = byId('o-account-id');

/** Colours by series key (the same names as the .c-* swatch classes in console.css); dashes tell series apart without colour. */
const COLORS = { blue: '#0b5cad', green: '#1a7f37', red: '#b3261e', amber: '#8a5a00', purple: '#5b3fa0', grey: '#555f6d' };
const SERIES_COLOR = {
  local: 'blue',
  remote: 'amber',
  app_token: 'purple',
  success: 'green',
  kaltura_session_failed: 'red',
  kaltura_timeout: 'amber',
  kaltura_unavailable: 'purple',
  p50: 'blue',
  p95: 'red',
};
const FALLBACK = ['blue', 'green', 'amber', 'purple', 'red', 'grey'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

const colorOf = (key, i) => SERIES_COLOR[key] ?? FALLBACK[i % FALLBACK.length];
const charts = [];

/** "2026-12-02 16:00 UTC" for an hour bucket, "2026-12-02" for a day. */
function bucketLabel(iso, bucket) {
  return bucket === 'hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
}

function format(value, unit) {
  if (value === null || value === undefined) return '—';
  return unit === 'ms' ? `${Number(value).toLocaleString(undefined, { maximumFractionDigits: 1 })} ms` : Number(value).toLocaleString();
}

/** One sentence per chart: totals (counts) or the range of values (latency), and the busiest bucket. */
function summaryOf(chart, body) {
  const span = body.period === '48h' ? 'the last 48 hours' : 'the last 30 days';
  if (chart.kind === 'count') {
    const totals = chart.series.map((s) => `${s.label} ${s.values.reduce((a, v) => a + (v ?? 0), 0).toLocaleString()}`);
    const perBucket = body.buckets.map((_b, i) => chart.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
    const max = Math.max(0, ...perBucket);
    const busiest = max > 0 ? ` Busiest ${body.bucket}: ${bucketLabel(body.buckets[perBucket.indexOf(max)], body.bucket)} with ${max.toLocaleString()}.` : '';
    return `${chart.title} over ${span}, in total: ${totals.join(', ')}.${busiest}`;
  }
  const parts = chart.series.map((s) => {
    const known = s.values.filter((v) => v !== null);
    return known.length ? `${s.label} from ${format(Math.min(...known), chart.unit)} to ${format(Math.max(...known), chart.unit)}` : `${s.label}: no data`;
  });
  return `${chart.title} over ${span}: ${parts.join('; ')}.`;
}

function dataTable(chart, body, id) {
  return h(
    'table',
    { id, className: 'data' },
    h('caption', {}, `${chart.title} per ${body.bucket} (${chart.unit})`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, body.bucket === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'), chart.series.map((s) => h('th', { scope: 'col' }, s.label)))),
    h(
      'tbody',
      {},
      body.buckets.map((b, i) => h('tr', {}, h('th', { scope: 'row' }, bucketLabel(b, body.bucket)), chart.series.map((s) => h('td', {}, format(s.values[i], chart.unit))))),
    ),
  );
}

function draw(chart, body, container) {
  const xs = body.buckets.map((b) => Date.parse(b) / 1000);
  const count = chart.kind === 'count';
  const opts = {
    width: Math.max(280, container.clientWidth),
    height: 240,
    legend: { show: false },
    cursor: { show: false },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(count ? 1 : 10, max ?? 0) * 1.1] } },
    axes: [{ stroke: '#1b1f24' }, { stroke: '#1b1f24', label: chart.unit, size: 60 }],
    series: [
      {},
      ...chart.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[colorOf(s.key, i)],
        width: 2,
        dash: DASHES[i % DASHES.length],
        spanGaps: false,
        points: { show: !count, size: 6 },
        ...(count ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
      })),
    ],
  };
  return new uPlot(opts, [xs, ...chart.series.map((s) => s.values)], container);
}

function renderCharts(body) {
  for (const c of charts.splice(0)) c.destroy();
  chartsBox.replaceChildren(
    ...body.charts.map((chart) => {
      const summaryId = `chart-${chart.id}-summary`;
      const tableId = `chart-${chart.id}-table`;
      const canvasBox = h('div', { className: 'chart', attrs: { role: 'img', 'aria-label': `${chart.title} chart`, 'aria-describedby': summaryId } });
      const section = h(
        'section',
        { className: 'chart-card', attrs: { 'aria-labelledby': `chart-${chart.id}-heading`, 'data-chart': chart.id } },
        h('h2', { id: `chart-${chart.id}-heading` }, chart.title),
        h(
          'ul',
          { className: 'legend', attrs: { 'aria-hidden': 'true' } },
          chart.series.map((s, i) => h('li', {}, h('span', { className: `swatch c-${colorOf(s.key, i)} d-${i % DASHES.length}` }), s.label)),
        ),
        canvasBox,
        h('p', { id: summaryId, className: 'chart-summary' }, summaryOf(chart, body)),
        h('details', {}, h('summary', {}, `Data table: ${chart.title}`), dataTable(chart, body, tableId)),
      );
      return section;
    }),
  );
  for (const section of chartsBox.querySelectorAll('section.chart-card')) {
    const chart = body.charts.find((c) => c.id === section.dataset.chart);
    charts.push(draw(chart, body, section.querySelector('.chart')));
  }
}

function renderNow(body) {
  byId('now-mode').textContent = body.session_mode ?? 'each account its own (all accounts)';
  byId('now-enabled').textContent = body.kaltura_enabled === null ? '—' : body.kaltura_enabled ? 'on' : 'off (not configured or disabled)';
  const check = body.settings_check;
  byId('now-check').replaceChildren(
    ...(check
      ? [
          h('span', { className: check.ok ? 'state-ok' : 'state-bad' }, check.ok ? 'Passed' : 'Failed'),
          ` (${check.outcome}) ${when(check.checked_at)}${check.level === 'site' ? ', site-wide settings' : ''}: ${check.message}`,
        ]
      : ['No check has run yet. Save the settings with “Check the connection to Kaltura”.']),
  );
  const rows = body.circuits.map((c) =>
    h('tr', {}, h('td', {}, h('code', {}, c.endpoint)), h('td', {}, h('span', { className: c.state === 'closed' ? 'state-ok' : 'state-bad' }, c.state.replace('_', '-'))), h('td', {}, c.configured ? 'yes' : 'no')),
  );
  byId('circuits-table').querySelector('tbody').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colSpan: 3 }, 'No Kaltura endpoint is configured or was called.'))]));
  byId('overview-now').hidden = false;
}

function choice() {
  const other = accountId.value.trim();
  return { account: other !== '' ? other : accountSelect.value, period: form.querySelector('input[name="period"]:checked').value };
}

async function load({ account, period }) {
  clearFieldErrors(form);
  announce(status, 'Loading…');
  try {
    const { data } = await api('GET', `/api/v1/accounts/${encodeURIComponent(account)}/overview`, { query: { period } });
    renderNow(data);
    renderCharts(data);
    const who = data.account_id === null ? 'all accounts' : `account ${data.account_id}`;
    announce(status, `Showing ${who}, ${period === '48h' ? 'last 48 hours per hour' : 'last 30 days per day'}.`);
    const query = new URLSearchParams({ account, period });
    history.replaceState(null, '', `${location.pathname}?${query}`);
  } catch (err) {
    if (err instanceof SignedOut) return;
    if (err instanceof ApiError && err.status === 404) {
      showFieldErrors(form, [{ field: 'account_id', message: `There is no account ${account}.` }]);
      announce(status, 'Check the account.', 'error');
      return;
    }
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, err instanceof ApiError && err.fieldErrors.length && !unmatched.length ? 'Check the choices.' : err.message, 'error');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load(choice());
});

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const c of charts) c.setSize({ width: Math.max(280, c.root.parentElement.clientWidth), height: 240 });
  }, 150);
});

if (profile) {
  if (profile.siteAdmin) {
    accountSelect.append(h('option', { value: 'all' }, 'All accounts'));
    byId('o-account-id-control').hidden = false;
  }
  const initial = new URLSearchParams(location.search);
  const account = initial.get('account');
  if (account === 'self' || (account === 'all' && profile.siteAdmin)) accountSelect.value = account;
  else if (account && profile.siteAdmin) accountId.value = account;
  const period = initial.get('period') === '30d' ? '30d' : '48h';
  form.querySelector(`input[name="period"][value="${period}"]`).checked = true;
  load(choice());
}
