// The status page: renders /api/status and /api/signals, kept live by server-sent events from /api/events.
// No framework and no network beyond this relay: the page must work on an offline VPS.
"use strict";

const $ = (id) => document.getElementById(id);
let csrfToken = null;

const number = (value, digits) =>
  value === null || value === undefined ? "–" : Number(value).toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
const price = (value) => (value ? String(value) : "–");
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : "–");
// MT5 stamps trades in the trade server's clock, written as if it were UTC: show that clock as it is.
const serverTime = (ms) => (ms ? new Date(ms).toLocaleString(undefined, { timeZone: "UTC", hour12: false }) : "–");

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
  $("version").textContent = "relay " + s.relay.version;
  $("demo-badge").hidden = !s.relay.demo;

  const api = s.api;
  // Trouble must not look green: a failing API is amber, an open circuit (signals waiting) red, with the problem.
  const trouble = api.state === "circuit_open" ? "API down, signals waiting" : api.state === "failing" ? "API trouble" : null;
  $("api-badge").textContent = !api.logged_in ? "API: not logged in" : trouble ? `${trouble}: ${api.problem}` : `API: ${api.username}`;
  $("api-badge").className = "badge " + (!api.logged_in || api.state === "circuit_open" ? "off" : api.state === "failing" ? "warn" : "on");
  $("api-badge").title = api.last_error || api.url || "";
  $("insecure-warning").hidden = !api.insecure;
  $("setup-card").hidden = Boolean(api.url);
  $("login-card").hidden = api.logged_in || !api.url;
  $("login-reason").hidden = api.logged_in || !api.last_error;
  $("login-reason").textContent = api.last_error || "";
  $("logout").hidden = !api.logged_in;

  const t = s.terminal;
  const card = $("terminal-card");
  card.className = "card terminal " + (t.connected ? "up" : "down");
  $("terminal-title").textContent = t.connected ? "Terminal connected" : "Terminal not connected";
  $("terminal-reason").textContent = t.connected ? `EA ${t.ea_version} · terminal build ${t.terminal_build} · ${t.margin_mode || ""}` : t.reason;
  $("terminal-warning").hidden = !t.warning;
  $("terminal-warning").textContent = t.warning || "";
  $("terminal-figures").hidden = !t.login;
  $("t-server").textContent = t.server || "–";
  $("t-login").textContent = t.login || "–";
  $("t-balance").textContent = t.login ? `${number(t.balance, 2)} ${t.currency}` : "–";
  $("t-equity").textContent = t.login ? `${number(t.equity, 2)} ${t.currency}` : "–";
  $("t-leverage").textContent = t.leverage ? `1:${t.leverage}` : "–";
  $("t-margin-level").textContent = t.margin_level ? `${number(t.margin_level, 1)} %` : "–";
  $("t-positions").textContent = t.open_positions;
  $("t-orders").textContent = t.pending_orders;

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
  $("active-count").textContent = data.active.length ? `(${data.active.length})` : "";
  fillRows($("active-rows"), data.active.map((p) => [
    cell(p.symbol), cell(p.type, p.type === "BUY" ? "buy" : "sell"), cell(number(p.volume, 2), "num"),
    cell(price(p.price_open), "num"), cell(price(p.sl), "num"), cell(price(p.tp), "num"),
    cell(serverTime(p.opened_at_ms)), cell(String(p.ticket), "num"),
  ]), 8, "No open positions");

  fillRows($("log-rows"), data.recent.map((r) => [
    cell(time(r.created_at_ms)), cell(r.action), cell(r.symbol), cell(r.type), cell(number(r.volume, 2), "num"),
    cell(price(r.price), "num"), cell(String(r.ticket), "num"),
    cell(r.state + (r.attempts > 1 ? ` (${r.attempts} tries)` : "") + (r.last_error ? `: ${r.last_error}` : ""), "state-" + r.state),
    cell(r.latency_ms === null || r.latency_ms === undefined ? "–" : `${r.latency_ms} ms`, "num"),
  ]), 9, "No signals yet");
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
  events.onopen = () => { $("live").textContent = "live"; $("live").className = "badge on"; };
  events.onerror = () => { $("live").textContent = "reconnecting…"; $("live").className = "badge off"; };
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  const response = await post("/api/login", { username: $("username").value, password: $("password").value });
  $("password").value = "";
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    $("login-error").textContent = problem.detail || problem.title || `Login failed (${response.status})`;
  }
});

$("setup-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const response = await post("/api/settings/api-url", { url: $("api-url").value });
  const answer = await response.json().catch(() => ({}));
  $("setup-message").textContent = response.ok ? answer.message : answer.detail || answer.title || `Not saved (${response.status})`;
});

$("logout").addEventListener("click", async () => { await post("/api/logout"); });

connectEvents();
