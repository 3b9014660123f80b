// The live dashboard: one EventSource on /dashboard/stream; every `snapshot` event re-renders the
// figures, the two Chart.js charts and the latest orders. Chart.js is loaded before this module
// (classic deferred script) and is read from the global it defines.

const Chart = globalThis.Chart;
const MINUTE = 60_000;
const REASONS = [
  ['STOCK_INSUFFICIENT', 'no stock', '#fb923c'],
  ['PAYMENT_FAILED', 'payment', '#f87171'],
  ['CUSTOMER_REQUEST', 'customer', '#e879f9'],
  ['TIMEOUT', 'timeout', '#facc15'],
  ['OTHER', 'other', '#94a3b8'],
];

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

// --- formatting -----------------------------------------------------------------------------

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const clockSeconds = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const moneyFormats = new Map();

/** Minor units → "€1,234.50": the currency's own number of decimals (0 for JPY, 2 for EUR). */
function money(minor, currency) {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(Number(minor) / 10 ** digits);
}

/** One amount per currency, e.g. "€12.00 · $3.50"; "—" when there is none. */
function amounts(list) {
  return list.length === 0 ? money(0, 'EUR') : list.map((m) => money(m.minor, m.currency)).join(' · ');
}

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${decimal.format(ms / 1000)} s`;
  const minutes = Math.floor(ms / MINUTE);
  return `${minutes} m ${String(Math.round((ms % MINUTE) / 1000)).padStart(2, '0')} s`;
}

/** Text for people, the raw number in data-value for tests and tools. */
function show(testId, text, value) {
  const element = byTestId(testId);
  element.textContent = text;
  element.dataset.value = value === null || value === undefined ? '' : String(value);
}

// --- charts ---------------------------------------------------------------------------------

Chart.defaults.color = '#94a3b8';
Chart.defaults.borderColor = '#1e293b';
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

// Bars, not lines: per-minute counts are discrete, and equal series (all placed orders confirmed)
// stay visible side by side instead of hiding one another.
const bars = (label, color) => ({
  label,
  data: [],
  backgroundColor: color,
  borderRadius: 3,
  maxBarThickness: 10,
});

const ordersChart = new Chart(document.getElementById('orders-chart'), {
  type: 'bar',
  data: {
    labels: [],
    datasets: [bars('Placed', '#38bdf8'), bars('Confirmed', '#34d399'), bars('Cancelled', '#f87171')],
  },
  options: {
    maintainAspectRatio: false,
    animation: { duration: 300 },
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { grid: { display: false }, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
      y: { beginAtZero: true, ticks: { precision: 0 } },
    },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
  },
});

const outcomeChart = new Chart(document.getElementById('outcome-chart'), {
  type: 'doughnut',
  data: {
    labels: ['Confirmed', ...REASONS.map(([, label]) => `Cancelled · ${label}`)],
    datasets: [
      {
        data: [],
        backgroundColor: ['#34d399', ...REASONS.map(([, , color]) => color)],
        borderColor: '#111a2e',
        borderWidth: 2,
      },
    ],
  },
  options: {
    maintainAspectRatio: false,
    cutout: '62%',
    animation: { duration: 300 },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
  },
});

/** The server sends only the minutes that had orders: the 30 minutes of the window, gaps as 0. */
function fillMinutes(window, buckets) {
  const start = Date.parse(window.from);
  const byMinute = new Map(buckets.map((b) => [Date.parse(b.minute), b]));
  const minutes = Array.from({ length: window.minutes }, (_, i) => start + i * MINUTE);
  const pick = (key) => minutes.map((m) => byMinute.get(m)?.[key] ?? 0);
  return {
    labels: minutes.map((m) => clock.format(m)),
    placed: pick('placed'),
    confirmed: pick('confirmed'),
    cancelled: pick('cancelled'),
  };
}

// --- rendering ------------------------------------------------------------------------------

function renderFigures(s) {
  show('kpi-orders-per-minute', decimal.format(s.ordersPerMinuteNow), s.ordersPerMinuteNow);
  show(
    'kpi-revenue-hour',
    amounts(s.revenue.lastHour),
    s.revenue.lastHour.map((m) => `${m.minor} ${m.currency}`).join(','),
  );
  show(
    'kpi-revenue-total',
    amounts(s.revenue.total),
    s.revenue.total.map((m) => `${m.minor} ${m.currency}`).join(','),
  );
  show('kpi-orders-total', integer.format(s.outcomes.orders), s.outcomes.orders);
  show('kpi-in-flight', integer.format(s.outcomes.inFlight), s.outcomes.inFlight);
  const pct = s.outcomes.confirmedPct;
  show('kpi-confirmed-pct', pct === null ? '—' : percent.format(pct / 100), pct);
  show('kpi-duration-p50', duration(s.durationMs?.p50), s.durationMs?.p50);
  show('kpi-duration-p99', duration(s.durationMs?.p99), s.durationMs?.p99);
  show('kpi-duration-count', integer.format(s.durationMs?.count ?? 0), s.durationMs?.count ?? 0);
  const updated = byTestId('updated-at');
  updated.textContent = clockSeconds.format(Date.parse(s.generatedAt));
  updated.dateTime = s.generatedAt;
}

function renderCharts(s) {
  const filled = fillMinutes(s.window, s.ordersPerMinute);
  ordersChart.data.labels = filled.labels;
  ordersChart.data.datasets[0].data = filled.placed;
  ordersChart.data.datasets[1].data = filled.confirmed;
  ordersChart.data.datasets[2].data = filled.cancelled;
  ordersChart.update();
  outcomeChart.data.datasets[0].data = [
    s.outcomes.confirmed,
    ...REASONS.map(([reason]) => s.outcomes.cancelledByReason[reason] ?? 0),
  ];
  outcomeChart.update();
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderLatest(orders) {
  const rows = orders.map((order) => {
    const tr = document.createElement('tr');
    tr.dataset.orderId = order.orderId;
    tr.dataset.testid = 'latest-order';
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.dataset.status = order.status;
    badge.textContent = order.status;
    const status = cell('');
    status.append(badge);
    if (order.cancelReason) {
      const reason = document.createElement('span');
      reason.className = 'reason';
      reason.textContent = order.cancelReason.toLowerCase().replaceAll('_', ' ');
      status.append(reason);
    }
    tr.append(
      cell(order.orderId, 'id'),
      cell(order.customerId ?? '—'),
      cell(order.placedAt ? clockSeconds.format(Date.parse(order.placedAt)) : '—'),
      cell(order.currency ? money(order.totalMinor, order.currency) : '—', 'num'),
      status,
    );
    return tr;
  });
  document.getElementById('latest-body').replaceChildren(...rows);
  document.getElementById('latest-empty').hidden = rows.length > 0;
}

// --- connection -----------------------------------------------------------------------------

function connection(state) {
  const element = byTestId('connection');
  element.dataset.state = state;
  element.textContent = state;
}

function onSnapshot(message) {
  const snapshot = JSON.parse(message.data);
  renderFigures(snapshot);
  renderCharts(snapshot);
  renderLatest(snapshot.latest);
  connection('live');
}

// EventSource reconnects by itself after a dropped connection; it gives up only when the server
// answered with an error (e.g. while restarting), and then we open a new one a little later.
function connect() {
  const source = new EventSource('/dashboard/stream');
  source.addEventListener('snapshot', onSnapshot);
  source.addEventListener('error', () => {
    connection('reconnecting');
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5_000);
  });
}

connect();
