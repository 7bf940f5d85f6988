// Runs the real MasterSender EA in the scripted terminal against whatever ROUTER listens on
// --host/--port. Scenarios are chosen with --scenario; stdout carries COMMENT/PRINT/STEP lines for
// the caller. Emulated time advances ReconcileMs per OnTimer call; --speed N paces that N times faster
// than the wall clock (the relay's side is real TCP and real time).
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <thread>
#include "mql5_emulation.h"
#include "Experts/MasterSender.mq5"
#include "script.h"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 47800;
  std::string scenario = "idle";
  std::string key;
  double speed = 1;
  double durationS = 30;  // emulated seconds to keep running after the script
  bool untilStdinCloses = false;
  int deinitReason = REASON_REMOVE;
  long login = 5012345;
  long historyLagMs = 0;
  long dealLagMs = 0;        // each deal reaches history 0..N ms late
  long lateSyncMs = 0;       // the terminal loads its positions and orders N ms after OnInit
  long slowHandlerMs = 0;    // each OnTimer takes N ms of emulated time: timer events coalesce (slip)
  bool speculativeOne = false;
  int trail = 0;             // "many": trail every position's SL every tick for N emulated seconds
  bool awaitRelay = false;
  std::string goFile;        // "relay_restart": the close waits until this file exists   // after each heartbeat, hold emulated time (up to 5 s wall) until the relay answers
  std::string language = "English";  // TerminalInfoString(TERMINAL_LANGUAGE)
  bool notifications = false;        // push notifications set up in the terminal
  int alertAfterS = 30;              // the AlertAfterSeconds input
};
Options opt;

using Clock = std::chrono::steady_clock;
Clock::time_point wallStart;
ulong ticks = 0;
double maxHandlerMs = 0;
// The EA's work per OnTimer, summed over a measured phase (--scenario many).
struct TickCost {
  ulong timers = 0;
  unsigned long long calls = 0, bytes = 0;
  double ms = 0, maxMs = 0;
};
TickCost cost;
bool measuring = false;
bool stopRequested = false;

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

// How long a handler holds the terminal's thread: its own CPU time plus its waits in blocking builtins. Not wall
// time: on a loaded 2-core machine the scheduler can take the harness off the CPU for tens of ms inside any handler,
// which says nothing about the EA (a handler-blocked assertion failed that way at 92 ms with no wait in it).
void Measure(const std::function<void()> &handler) {
  double cpu0 = ThreadCpuMs();
  double blocked0 = EmuSock().blockedMs;
  handler();
  double ms = (ThreadCpuMs() - cpu0) + (EmuSock().blockedMs - blocked0);
  if (ms > maxHandlerMs) maxHandlerMs = ms;
}

bool StdinClosed() {
  if (!opt.untilStdinCloses) return false;
  pollfd p{0, POLLIN, 0};
  if (::poll(&p, 1, 0) != 1) return false;
  char buf[256];
  return ::read(0, buf, sizeof buf) <= 0;
}

// Long idle runs measure the EA, not how quickly a loaded machine schedules the relay: emulated time stops
// until the heartbeat's answer is readable (or 5 s of wall time passed, when the relay really is silent).
void AwaitRelay() {
  auto it = EmuSock().open.find(g_session.conn.socket);
  if (it == EmuSock().open.end()) return;
  pollfd p{it->second.fd, POLLIN, 0};
  ::poll(&p, 1, 5000);
  wallStart = Clock::now() - std::chrono::microseconds(long(double(ticks) * (Emu().timerMs > 0 ? Emu().timerMs : 50) * 1000 / opt.speed));
}

// Delivers queued trade transactions, then one timer tick; paces to the wall clock.
void Tick() {
  EmuEvents &e = Events();
  unsigned long long calls = Term().calls, bytes = EmuSock().bytesSent;
  auto t0 = Clock::now();
  while (!e.queue.empty()) {
    MqlTradeTransaction t = e.queue.front();
    e.queue.pop_front();
    MqlTradeRequest req;
    MqlTradeResult res;
    OnDelivered(t);
    Measure([&] { OnTradeTransaction(t, req, res); });
  }
  int period = Emu().timerMs > 0 ? Emu().timerMs : 50;
  Emu().tickMs += ulong(period);
  EmuTerminalTick();
  ticks++;
  if (Emu().timerMs > 0) {
    Measure([] { OnTimer(); });
    if (opt.awaitRelay && g_session.accepted && g_session.lastHeartbeatMs == Emu().tickMs) AwaitRelay();
    // A slow handler: the terminal does not queue a timer event while one is pending, so the next comes late.
    Emu().tickMs += ulong(opt.slowHandlerMs);
  }
  if (measuring) {
    // Everything the EA did for this tick: the events delivered before it and the timer handler.
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    cost.timers++;
    cost.calls += Term().calls - calls;
    cost.bytes += EmuSock().bytesSent - bytes;
    cost.ms += ms;
    cost.maxMs = std::max(cost.maxMs, ms);
  }
  auto due = wallStart + std::chrono::microseconds(long(double(ticks) * period * 1000 / opt.speed));
  // After a stall (a loaded machine), move the baseline instead of catching up: emulated time must never
  // run faster than --speed, or the EA's 5 s silence limit would expire on a relay that is merely slow.
  if (Clock::now() - due > std::chrono::milliseconds(100)) wallStart += Clock::now() - due;
  std::this_thread::sleep_until(due);
  if (StdinClosed()) stopRequested = true;
}

void RunMs(double emulatedMs) {
  ulong end = Emu().tickMs + ulong(emulatedMs);
  while (Emu().tickMs < end && !stopRequested) Tick();
}

bool RunUntil(const std::function<bool()> &done, double emulatedMs) {
  ulong end = Emu().tickMs + ulong(emulatedMs);
  while (!done() && Emu().tickMs < end && !stopRequested) Tick();
  return done();
}

void Step(const std::string &name) { std::cout << "STEP " << name << std::endl; }

// The script's trading starts once the relay has the EA's first snapshot.
bool WaitSession() {
  bool ok = RunUntil([] { return g_session.accepted && g_session.lastSnapshotMs != 0; }, 60000);
  Step(ok ? "session" : "no-session");
  return ok;
}

void OpenModifyClose() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  Step("opened " + std::to_string(t));
  RunMs(300);
  ModifyPosition(t, 1.07512, 1.09512);
  Step("modified");
  RunMs(300);
  ClosePosition(t, 0.04, 1.08700);
  Step("partially-closed");
  RunMs(300);
  ClosePosition(t, 0.06, 1.08800);
  Step("closed");
  RunMs(300);
}

void Pending() {
  if (!WaitSession()) return;
  ulong a = PlacePending("EURUSD", ORDER_TYPE_BUY_LIMIT, 0.20, 1.07000, 1.06000, 1.09000);
  Step("placed " + std::to_string(a));
  RunMs(300);
  ModifyPending(a, 1.07100, 1.06100, 1.09100);
  Step("modified");
  RunMs(300);
  EndPending(a, ORDER_STATE_CANCELED);
  Step("cancelled");
  RunMs(300);
  ulong b = PlacePending("GBPUSD", ORDER_TYPE_SELL_STOP, 0.30, 1.25000);
  Step("placed " + std::to_string(b));
  RunMs(300);
  EndPending(b, ORDER_STATE_FILLED, 1.24990);
  Step("filled");
  RunMs(300);
  ulong c = PlacePending("USDJPY", ORDER_TYPE_BUY_STOP_LIMIT, 0.10, 151.250);
  RunMs(300);
  EndPending(c, ORDER_STATE_EXPIRED);
  Step("expired " + std::to_string(c));
  RunMs(300);
}

void QueueOverflow() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 1.00, 1.10000);
  for (int i = 1; i <= 1500; i++) ModifyPosition(t, 1.0 + i * 0.00001, 0);
  Step("queued " + std::to_string(Events().queue.size()) + " overflowed " + std::to_string(Events().overflowed));
  RunMs(500);
}

void Netting() {
  if (!WaitSession()) return;
  ulong t = NettingDeal("EURUSD", POSITION_TYPE_BUY, 0.10, 1.10000);
  Step("opened " + std::to_string(t));
  RunMs(300);
  NettingDeal("EURUSD", POSITION_TYPE_BUY, 0.10, 1.10200);
  Step("added");
  RunMs(300);
  NettingDeal("EURUSD", POSITION_TYPE_SELL, 0.30, 1.10300);
  Step("reversed");
  RunMs(300);
  NettingDeal("EURUSD", POSITION_TYPE_BUY, 0.10, 1.10100);
  Step("closed");
  RunMs(300);
}

void PrintCost(const std::string &phase) {
  double n = cost.timers > 0 ? double(cost.timers) : 1;
  std::cout << "COST " << phase << " timers=" << cost.timers << " calls_per_tick=" << double(cost.calls) / n
            << " bytes_per_tick=" << double(cost.bytes) / n << " ms_per_tick=" << cost.ms / n
            << " max_ms=" << cost.maxMs << std::endl;
  cost = TickCost();
}

// 500 positions and 50 pending orders: the EA's steady cost per tick, then with every SL trailed each tick.
void Many() {
  if (!WaitSession()) return;
  RunMs(1000);
  measuring = true;
  RunMs(10000);
  PrintCost("idle");
  for (int pass = 0; pass < opt.trail * 20; pass++) {
    int i = 0;
    for (EmuPosition &p : Term().positions) ModifyPosition(p.ticket, 1.0 + (pass + 1) * 0.0001 + i++ * 0.000001, 0);
    Tick();
  }
  PrintCost("trailing");
  measuring = false;
  Step("measured");
}

void PreloadMany() {
  for (int i = 0; i < 500; i++) {
    EmuPosition p;
    p.ticket = 600000001 + ulong(i);
    p.identifier = long(p.ticket);
    p.symbol = i % 2 ? "EURUSD" : "GBPUSD";
    p.type = i % 3 ? POSITION_TYPE_BUY : POSITION_TYPE_SELL;
    p.volume = 0.01 * (1 + i % 10);
    p.price_open = p.price_current = 1.1 + i * 0.0001;
    p.sl = 1.0;
    p.time_msc = p.time_update_msc = EmuNowMsc() - 3600000;
    p.comment = "many";
    Term().positions.push_back(p);
    AddOpeningDeal(p);
  }
  for (int i = 0; i < 50; i++) {
    EmuOrder o;
    o.ticket = 650000001 + ulong(i);
    o.type = ORDER_TYPE_BUY_LIMIT;
    o.volume_current = o.volume_initial = 0.1;
    o.price_open = 1.0 + i * 0.001;
    o.time_setup_msc = EmuNowMsc() - 60000;
    Term().orders.push_back(o);
  }
}

// The terminal loses its trade server for 6 s; after reconnecting it reloads its lists, 3 s later.
void BrokerReconnect() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  Step("opened " + std::to_string(t));
  RunMs(500);
  Term().connected = false;
  Step("disconnected");
  // Two periodic-snapshot periods (5 s each): a snapshot with connected:false falls inside the outage even when a
  // loaded machine makes the timer slip.
  RunMs(12000);
  Term().connected = true;
  UnloadUntil(Emu().tickMs + 3000);
  Step("reconnected");
  RunMs(10000);
  ModifyPosition(t, 1.07512, 0);
  Step("modified");
  RunMs(500);
  ClosePosition(t, 0.10, 1.08800);
  Step("closed");
  RunMs(1000);
}

// Another account logs in on the same terminal while the EA runs; its lists load 2 s later.
void AccountSwitch() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  Step("opened " + std::to_string(t));
  RunMs(500);
  Term().login = opt.login + 1;
  Term().positions.clear();
  Term().orders.clear();
  EmuPosition other;
  other.ticket = 800000001;
  other.identifier = 800000001;
  other.symbol = "USDJPY";
  other.volume = 1;
  other.price_open = 151.2;
  other.time_msc = other.time_update_msc = EmuNowMsc() - 60000;
  Term().positions.push_back(other);
  AddOpeningDeal(other);
  UnloadUntil(Emu().tickMs + 2000);
  Step("switched");
  RunMs(10000);
}

void SwapReopenScript() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  Step("opened " + std::to_string(t));
  RunMs(500);
  ulong now = SwapReopen(t);
  Step("reopened " + std::to_string(now));
  RunMs(1000);
  ModifyPosition(now, 1.07512, 0);
  Step("modified");
  RunMs(500);
  ClosePosition(now, 0.10, 1.08800);
  Step("closed");
  RunMs(1000);
}

void CloseByScript() {
  if (!WaitSession()) return;
  ulong a = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  ulong b = OpenMarket("EURUSD", POSITION_TYPE_SELL, 0.10, 1.08500);
  Step("opened " + std::to_string(a) + " " + std::to_string(b));
  RunMs(500);
  CloseBy(a, b, 1.08600);
  Step("closed-by");
  RunMs(1000);
}

// A stop-out closes three positions at once; the server's events are lost.
void StopOut() {
  if (!WaitSession()) return;
  ulong a = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  ulong b = OpenMarket("GBPUSD", POSITION_TYPE_BUY, 0.20, 1.25000);
  ulong c = OpenMarket("USDJPY", POSITION_TYPE_SELL, 0.30, 151.250);
  Step("opened");
  RunMs(500);
  Events().dropRate = 1.0;
  ClosePosition(a, 0.10, 1.07000);
  ClosePosition(b, 0.20, 1.23000);
  ClosePosition(c, 0.30, 152.500);
  Events().dropRate = 0;
  Step("stopped-out");
  RunMs(2000);
}

void ServerStops() {
  if (!WaitSession()) return;
  ulong a = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512, 1.07512, 1.09512);
  ulong b = OpenMarket("GBPUSD", POSITION_TYPE_BUY, 0.20, 1.25000, 1.24000, 1.26000);
  Step("opened");
  RunMs(500);
  ServerStop(a, true);
  ServerStop(b, false);
  Step("triggered");
  RunMs(2000);
}

void StopLimit() {
  if (!WaitSession()) return;
  ulong o = PlacePending("EURUSD", ORDER_TYPE_BUY_STOP_LIMIT, 0.10, 1.09000);
  FindOrder(o)->price_stoplimit = 1.08900;
  Step("placed " + std::to_string(o));
  RunMs(500);
  ActivateStopLimit(o);
  Step("activated");
  RunMs(500);
  EndPending(o, ORDER_STATE_FILLED, 1.08900);
  Step("filled");
  RunMs(1000);
}

// The test restarts the relay between the open and the close, then creates --go-file.
void RelayRestart() {
  if (!WaitSession()) return;
  ulong t = OpenMarket("EURUSD", POSITION_TYPE_BUY, 0.10, 1.08512);
  Step("opened " + std::to_string(t));
  bool go = RunUntil([] { return ::access(opt.goFile.c_str(), F_OK) == 0; }, 600000);
  Step(go ? "go" : "no-go");
  string before = g_session.sessionId;
  ClosePosition(t, 0.10, 1.08800);
  Step("closed");
  // The close happened while the EA may still be reconnecting to the restarted relay (its backoff grows while the
  // relay is down): run until it is in a new session, so the evidence it kept is sent before the scenario ends.
  // (When it reconnected before the go, the session is already new and this only idles in emulated time.) Then time
  // for one lookup round trip, should the relay have missed the close.
  RunUntil([before] { return g_session.accepted && g_session.lastSnapshotMs != 0 && g_session.sessionId != before; }, 60000);
  RunMs(3000);
}

void Preload() {
  EmuPosition p;
  p.ticket = 500000001;
  p.identifier = 500000001;
  p.symbol = "XAUUSD";
  p.volume = 0.5;
  p.price_open = 2345.67;
  p.price_current = 2350.1;
  p.sl = 2300;
  p.profit = 221.5;
  p.time_msc = p.time_update_msc = EmuNowMsc() - 3600000;
  p.comment = "preloaded \"quoted\" \\ é";
  Term().positions.push_back(p);
  AddOpeningDeal(p);
  EmuOrder o;
  o.ticket = 500000002;
  o.symbol = "EURUSD";
  o.type = ORDER_TYPE_SELL_LIMIT;
  o.volume_current = o.volume_initial = 0.25;
  o.price_open = 1.1;
  o.type_time = ORDER_TIME_SPECIFIED;
  o.expiration = TimeCurrent() + 86400;
  o.time_setup_msc = EmuNowMsc() - 60000;
  Term().orders.push_back(o);
}

bool ParseArgs(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") opt.host = v;
    else if (k == "--port") opt.port = std::stoi(v);
    else if (k == "--scenario") opt.scenario = v;
    else if (k == "--key") opt.key = v;
    else if (k == "--speed") opt.speed = std::stod(v);
    else if (k == "--duration") opt.durationS = std::stod(v);
    else if (k == "--until-stdin-closes") opt.untilStdinCloses = v == "1";
    else if (k == "--deinit-reason") opt.deinitReason = std::stoi(v);
    else if (k == "--login") opt.login = std::stol(v);
    else if (k == "--history-lag-ms") opt.historyLagMs = std::stol(v);
    else if (k == "--deal-lag-ms") opt.dealLagMs = std::stol(v);
    else if (k == "--late-sync-ms") opt.lateSyncMs = std::stol(v);
    else if (k == "--slow-handler-ms") opt.slowHandlerMs = std::stol(v);
    else if (k == "--speculative-one") opt.speculativeOne = v == "1";
    else if (k == "--trail") opt.trail = std::stoi(v);
    else if (k == "--await-relay") opt.awaitRelay = v == "1";
    else if (k == "--go-file") opt.goFile = v;
    else if (k == "--language") opt.language = v;
    else if (k == "--notifications") opt.notifications = v == "1";
    else if (k == "--alert-after") opt.alertAfterS = std::stoi(v);
    else return false;
  }
  return (argc % 2) == 1 && opt.speed > 0;
}

}  // namespace

int main(int argc, char **argv) {
  if (!ParseArgs(argc, argv)) {
    std::cerr << "usage: ea_harness [--host H] [--port P] [--scenario idle|open_modify_close|pending|shuffled|"
                 "lost_events|queue_overflow|netting|not_allowed|tester|many|broker_reconnect|account_switch|swap_reopen|"
                 "close_by|stop_out|server_stops|stop_limit|relay_restart] [--key K] [--speed N] [--duration S] "
                 "[--until-stdin-closes 1] [--deinit-reason R] [--login L] [--history-lag-ms N] [--deal-lag-ms N] "
                 "[--late-sync-ms N] [--slow-handler-ms N] [--speculative-one 1] [--trail S] [--await-relay 1] [--go-file F] "
                 "[--language L] [--notifications 1] [--alert-after S]\n";
    return 2;
  }
  RelayHost.HarnessSetByUser(string(opt.host.c_str()));
  RelayPort.HarnessSetByUser(opt.port);
  PairingKey.HarnessSetByUser(string(opt.key.c_str()));
  AlertAfterSeconds.HarnessSetByUser(opt.alertAfterS);
  EmuAlert().language = opt.language;
  EmuAlert().notificationsEnabled = opt.notifications;
  Term().login = opt.login;
  Events().historyLagMs = ulong(opt.historyLagMs);
  Events().dealLagMaxMs = ulong(opt.dealLagMs);
  EmuSock().speculativeOne = opt.speculativeOne;
  Emu().uninitReason = opt.deinitReason;
  std::map<std::string, std::function<void()>> scripts{
      {"idle", [] {}},
      {"open_modify_close", OpenModifyClose},
      {"pending", Pending},
      {"shuffled", [] { Events().shuffle = true; OpenModifyClose(); Pending(); }},
      {"lost_events", [] { Events().dropRate = 1.0; OpenModifyClose(); Pending(); }},
      {"queue_overflow", QueueOverflow},
      {"netting", Netting},
      {"not_allowed", [] { EmuSock().urlAllowed = false; }},
      {"tester", [] { Emu().tester = true; }},
      {"many", Many},
      // A symbol or period change while the start gate waits: OnDeinit (which clears the chart) and OnInit
      // on the same globals; the same text must be shown again.
      {"chart_change", [] {
         RunMs(2000);
         OnDeinit(REASON_CHARTCHANGE);
         Step("reinit " + std::to_string(OnInit()));
       }},
      {"broker_reconnect", BrokerReconnect},
      {"account_switch", AccountSwitch},
      {"swap_reopen", SwapReopenScript},
      {"close_by", CloseByScript},
      {"stop_out", StopOut},
      {"server_stops", ServerStops},
      {"stop_limit", StopLimit},
      {"relay_restart", RelayRestart},
  };
  auto script = scripts.find(opt.scenario);
  if (script == scripts.end()) {
    std::cerr << "unknown scenario " << opt.scenario << "\n";
    return 2;
  }
  Preload();
  if (opt.scenario == "many") PreloadMany();
  if (opt.lateSyncMs > 0) UnloadUntil(Emu().tickMs + ulong(opt.lateSyncMs));
  if (opt.scenario == "netting") Term().marginMode = ACCOUNT_MARGIN_MODE_RETAIL_NETTING;
  bool setupOnly = opt.scenario == "not_allowed" || opt.scenario == "tester";
  if (setupOnly) script->second();
  wallStart = Clock::now();
  int init = 0;
  Measure([&] { init = OnInit(); });
  std::cout << "INIT " << init << std::endl;
  if (init != INIT_SUCCEEDED) {
    // The terminal calls OnDeinit after a failed OnInit too (REASON_INITFAILED).
    OnDeinit(REASON_INITFAILED);
    std::cout << "STATS bad_handle_calls=" << EmuSock().badHandleCalls << " sockets_created=" << EmuSock().created << std::endl;
    return 1;
  }
  if (!setupOnly) script->second();
  Step("script-done");
  RunMs(opt.durationS * 1000);
  Measure([] { OnDeinit(Emu().uninitReason); });
  std::cout << "STATS max_handler_ms=" << maxHandlerMs << " sockets_created=" << EmuSock().created
            << " read_timeouts=" << EmuSock().readTimeouts << " overflowed=" << Events().overflowed
            << " prints=" << Emu().prints.size() << " connect_failures=" << EmuSock().connectFailures
            << " bytes_sent=" << EmuSock().bytesSent << " bad_handle_calls=" << EmuSock().badHandleCalls << std::endl;
  return 0;
}
