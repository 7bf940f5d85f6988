// The status page: renders /api/status and /api/signals, kept live by server-sent events from /api/events.
// No framework and no network beyond this relay: the page must work on an offline VPS. Words come from i18n.js.
"use strict";

const $ = (id) => document.getElementById(id);
let csrfToken = null;
let lastStatus = null;
let lastSignals = null;

const locale = () => (language === "pt-BR" ? "pt-BR" : "en-US");
const number = (value, digits) =>
  value === null || value === undefined ? "–" : Number(value).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });

// Prices as MetaTrader shows them: the symbol's digits, a point, no grouping. The wire carries no digits, so each
// symbol's are the most decimals seen in any of its prices (a 5-digit quote shows them all sooner or later).
const symbolDigits = new Map();
function learnDigits(symbol, ...prices) {
  for (const p of prices) {
    if (!p) continue;
    const text = String(p);
    const decimals = text.includes("e-") ? 8 : (text.split(".")[1] || "").length;
    symbolDigits.set(symbol, Math.min(8, Math.max(symbolDigits.get(symbol) ?? 0, decimals)));
  }
}
const price = (symbol, value) => (value ? Number(value).toFixed(symbolDigits.get(symbol) ?? 5) : "–");

// One time format across the page, 24 h, year first so it reads the same in both languages. The signal log shows
// this computer's clock; MT5 stamps trades in the trade server's clock written as if it were UTC, shown as it is.
const pad = (n) => String(n).padStart(2, "0");
function formatTime(ms, serverClock) {
  if (!ms) return "–";
  const d = new Date(ms);
  const [y, mo, da, h, mi, s] = serverClock
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function fillRows(body, rows, columns, emptyText) {
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    tr.className = "empty";
    const td = cell(emptyText);
    td.colSpan = columns;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement("tr");
    tr.append(...cells);
    body.append(tr);
  }
}

function renderStatus(s) {
  lastStatus = s;
  $("version").textContent = "relay " + s.relay.version;
  $("demo-badge").hidden = !s.relay.demo;

  const api = s.api;
  // Trouble must not look green: a failing API is amber, an open circuit (signals waiting) red, with the problem.
  const trouble = api.state === "circuit_open" ? t("api.down") : api.state === "failing" ? t("api.trouble") : null;
  $("api-badge").textContent = !api.logged_in ? t("api.none") : trouble ? `${trouble}: ${api.problem}` : t("api.user", api.username);
  $("api-badge").className = "badge " + (!api.logged_in || api.state === "circuit_open" ? "off" : api.state === "failing" ? "warn" : "on");
  $("api-badge").title = api.last_error || api.url || "";
  $("insecure-warning").hidden = !api.insecure;
  $("setup-card").hidden = Boolean(api.url);
  $("login-card").hidden = api.logged_in || !api.url;
  $("login-reason").hidden = api.logged_in || !api.last_error;
  $("login-reason").textContent = api.last_error || "";
  $("logout").hidden = !api.logged_in;

  const term = s.terminal;
  $("terminal-card").className = "card terminal " + (term.connected ? "up" : "down");
  $("terminal-title").removeAttribute("data-i18n");
  $("terminal-title").textContent = term.connected ? t("terminal.up") : t("terminal.down");
  $("terminal-reason").textContent = term.connected ? t("terminal.detail", term.ea_version, term.terminal_build, term.margin_mode || "") : term.reason;
  const warning = term.path_mismatch ? t("terminal.pathMismatch", term.terminal_path, term.registered_mt5_path) : term.warning;
  $("terminal-warning").hidden = !warning;
  $("terminal-warning").textContent = warning || "";
  $("terminal-figures").hidden = !term.login;
  $("t-server").textContent = term.server || "–";
  $("t-login").textContent = term.login || "–";
  $("t-balance").textContent = term.login ? `${number(term.balance, 2)} ${term.currency}` : "–";
  $("t-equity").textContent = term.login ? `${number(term.equity, 2)} ${term.currency}` : "–";
  $("t-leverage").textContent = term.leverage ? `1:${term.leverage}` : "–";
  $("t-margin-level").textContent = term.margin_level ? `${number(term.margin_level, 1)} %` : "–";
  $("t-positions").textContent = term.open_positions;
  $("t-orders").textContent = term.pending_orders;

  const sig = s.signals;
  $("m-sent").textContent = sig.sent;
  $("m-pending").textContent = sig.pending;
  $("m-failed").textContent = sig.failed + sig.rejected;
  $("m-expired").textContent = sig.expired;
  $("m-superseded").textContent = sig.superseded;
  $("m-clients").textContent = api.active_clients ?? "–";
  $("m-subscription").textContent = api.subscription ?? "–";
  $("ingress-port").textContent = s.ingress.port;
  $("ingress-malformed").textContent = s.ingress.malformed;
  $("ingress-refused").textContent = s.ingress.connections_refused;
  $("ingress-refused").title = s.ingress.last_connection_refusal ?? "";
  $("ingress-restarts").textContent = s.ingress.socket_restarts;
  $("ingress-restarts").title = s.ingress.last_socket_error ?? "";
  $("ingress-restarts").classList.toggle("error", s.ingress.socket_restarts > 0);
  $("ingress-replayed").textContent = s.ingress.replayed;
  $("ingress-dropped-items").textContent = s.ingress.dropped_items;
  renderUnconfirmed(s.unconfirmed || []);
}

function renderUnconfirmed(items) {
  $("unconfirmed-card").hidden = items.length === 0;
  $("unconfirmed-count").textContent = items.length ? `(${items.length})` : "";
  fillRows($("unconfirmed-rows"), items.map((u) => [
    cell(u.kind), cell(u.symbol), cell(String(u.ticket), "num"), cell(String(u.identifier), "num"),
    cell(`${number(u.age_ms / 1000, 1)} s`, "num"),
  ]), 5, "");
}

function renderSignals(data) {
  lastSignals = data;
  for (const p of data.active) learnDigits(p.symbol, p.price_open, p.sl, p.tp, p.price_current);
  for (const o of data.orders) learnDigits(o.symbol, o.price_open, o.sl, o.tp);
  for (const r of data.recent) learnDigits(r.symbol, r.price);

  $("active-count").textContent = data.active.length ? `(${data.active.length})` : "";
  fillRows($("active-rows"), data.active.map((p) => [
    cell(p.symbol), cell(p.type, p.type === "BUY" ? "buy" : "sell"), cell(number(p.volume, 2), "num"),
    cell(price(p.symbol, p.price_open), "num"), cell(price(p.symbol, p.sl), "num"), cell(price(p.symbol, p.tp), "num"),
    cell(formatTime(p.opened_at_ms, true)), cell(String(p.ticket), "num"),
  ]), 8, t("active.empty"));

  $("orders-count").textContent = data.orders.length ? `(${data.orders.length})` : "";
  fillRows($("order-rows"), data.orders.map((o) => [
    cell(o.symbol), cell(o.type, o.type.startsWith("BUY") ? "buy" : "sell"), cell(number(o.volume, 2), "num"),
    cell(price(o.symbol, o.price_open), "num"), cell(price(o.symbol, o.sl), "num"), cell(price(o.symbol, o.tp), "num"),
    cell(String(o.ticket), "num"),
  ]), 7, t("orders.empty"));

  fillRows($("log-rows"), data.recent.map((r) => [
    cell(formatTime(r.created_at_ms, false)), cell(r.action), cell(r.symbol), cell(r.type), cell(number(r.volume, 2), "num"),
    cell(price(r.symbol, r.price), "num"), cell(String(r.ticket), "num"),
    cell(t("state." + r.state) + (r.attempts > 1 ? " " + t("log.tries", r.attempts) : "") + (r.last_error ? `: ${r.last_error}` : ""), "state-" + r.state),
    cell(r.latency_ms === null || r.latency_ms === undefined ? "–" : `${r.latency_ms} ms`, "num"),
  ]), 9, t("log.empty"));

  renderPerMinute();
  renderLatency(data.recent);
}

function renderPerMinute() {
  if (lastSignals) $("m-per-minute").textContent = lastSignals.recent.filter((r) => r.created_at_ms >= Date.now() - 60_000).length;
}

// A strip chart of the latest delivered signals, oldest on the left: one bar per signal, its height the time from
// the trade to the API's answer. Drawn as inline SVG from this page's data; nothing is fetched from elsewhere.
const CHART_BARS = 60;
function renderLatency(recent) {
  const svg = $("latency-chart");
  // /api/signals lists the newest first (outbox order); the chart reads left to right, oldest first.
  const delivered = recent.filter((r) => r.latency_ms !== null && r.latency_ms !== undefined).reverse().slice(-CHART_BARS);
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  if (delivered.length === 0) {
    $("latency-summary").textContent = "· " + t("latency.empty");
    return;
  }
  const latencies = delivered.map((r) => r.latency_ms).sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  const slowest = latencies[latencies.length - 1];
  $("latency-summary").textContent = "· " + t("latency.summary", delivered.length, median, slowest);

  const width = 600, height = 110, top = 14, scale = Math.max(slowest, 10);
  const slot = width / CHART_BARS;
  // The tallest bar is the slowest signal (named in the summary above the chart); a line marks its height.
  const line = document.createElementNS(ns, "line");
  line.setAttribute("x1", "0"); line.setAttribute("x2", String(width));
  line.setAttribute("y1", String(top)); line.setAttribute("y2", String(top));
  line.setAttribute("class", "axis");
  svg.append(line);
  delivered.forEach((r, i) => {
    const h = Math.max(2, (r.latency_ms / scale) * (height - top));
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("class", "bar" + (r.latency_ms > 1000 ? " slow" : ""));
    bar.setAttribute("x", String(width - (delivered.length - i) * slot + 1));
    bar.setAttribute("y", String(height - h));
    bar.setAttribute("width", String(slot - 2));
    bar.setAttribute("height", String(h));
    const title = document.createElementNS(ns, "title");
    title.textContent = t("latency.bar", formatTime(r.created_at_ms, false), r.action, r.symbol, r.latency_ms);
    bar.append(title);
    svg.append(bar);
  });
}

function rerender() {
  translatePage();
  if (lastStatus) renderStatus(lastStatus);
  if (lastSignals) renderSignals(lastSignals);
  setLive($("live").dataset.state || "connecting");
}

function setLive(state) {
  const live = $("live");
  live.dataset.state = state;
  live.removeAttribute("data-i18n");
  live.textContent = t("live." + state);
  live.className = "badge " + (state === "on" ? "on" : state === "connecting" ? "wait" : "off");
}

async function refreshSignals() {
  const response = await fetch("/api/signals", { cache: "no-store" });
  if (response.ok) renderSignals(await response.json());
}

async function antiforgery() {
  const response = await fetch("/api/antiforgery", { cache: "no-store" });
  csrfToken = (await response.json()).token;
}

async function post(url, body) {
  if (!csrfToken) await antiforgery();
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrfToken },
    body: JSON.stringify(body ?? {}),
  });
}

function connectEvents() {
  const events = new EventSource("/api/events");
  events.addEventListener("status", (e) => {
    renderStatus(JSON.parse(e.data));
    refreshSignals();
  });
  events.onopen = () => setLive("on");
  events.onerror = () => setLive(lastStatus ? "reconnecting" : "connecting");
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  const response = await post("/api/login", { username: $("username").value, password: $("password").value });
  $("password").value = "";
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    $("login-error").textContent = problem.detail || problem.title || t("login.failed", response.status);
  }
});

$("setup-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const response = await post("/api/settings/api-url", { url: $("api-url").value });
  const answer = await response.json().catch(() => ({}));
  $("setup-message").textContent = response.ok ? answer.message : answer.detail || answer.title || `Not saved (${response.status})`;
});

$("logout").addEventListener("click", async () => { await post("/api/logout"); });
$("lang").addEventListener("change", (e) => { setLanguage(e.target.value); rerender(); });

translatePage();
connectEvents();
// The last minute moves on even when no signal arrives.
setInterval(renderPerMinute, 5000);
