// Runs the real MasterSender EA in the scripted terminal against whatever ROUTER listens on
// --host/--port. Scenarios are chosen with --scenario; stdout carries COMMENT/PRINT/STEP lines for
// the caller. Emulated time advances ReconcileMs per OnTimer call; --speed N paces that N times faster
// than the wall clock (the relay's side is real TCP and real time).
#include <chrono>
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
  std::string language = "English";  // TerminalInfoString(TERMINAL_LANGUAGE)
  bool notifications = false;        // push notifications set up in the terminal
  int alertAfterS = 30;              // the AlertAfterSeconds input
};
Options opt;

using Clock = std::chrono::steady_clock;
Clock::time_point wallStart;
ulong ticks = 0;
double maxHandlerMs = 0;
bool stopRequested = false;

void Measure(const std::function<void()> &handler) {
  auto t0 = Clock::now();
  handler();
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (ms > maxHandlerMs) maxHandlerMs = ms;
}

bool StdinClosed() {
  if (!opt.untilStdinCloses) return false;
  pollfd p{0, POLLIN, 0};
  if (::poll(&p, 1, 0) != 1) return false;
  char buf[256];
  return ::read(0, buf, sizeof buf) <= 0;
}

// Delivers queued trade transactions, then one timer tick; paces to the wall clock.
void Tick() {
  EmuEvents &e = Events();
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
  ticks++;
  if (Emu().timerMs > 0) Measure([] { OnTimer(); });
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
                 "lost_events|queue_overflow|netting|not_allowed|tester] [--key K] [--speed N] [--duration S] "
                 "[--until-stdin-closes 1] [--deinit-reason R] [--login L] [--history-lag-ms N] [--language L] "
                 "[--notifications 1] [--alert-after S]\n";
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
  };
  auto script = scripts.find(opt.scenario);
  if (script == scripts.end()) {
    std::cerr << "unknown scenario " << opt.scenario << "\n";
    return 2;
  }
  Preload();
  if (opt.scenario == "netting") Term().marginMode = ACCOUNT_MARGIN_MODE_RETAIL_NETTING;
  bool setupOnly = opt.scenario == "not_allowed" || opt.scenario == "tester";
  if (setupOnly) script->second();
  wallStart = Clock::now();
  int init = 0;
  Measure([&] { init = OnInit(); });
  std::cout << "INIT " << init << std::endl;
  if (init != INIT_SUCCEEDED) return 1;
  if (!setupOnly) script->second();
  Step("script-done");
  RunMs(opt.durationS * 1000);
  Measure([] { OnDeinit(Emu().uninitReason); });
  std::cout << "STATS max_handler_ms=" << maxHandlerMs << " sockets_created=" << EmuSock().created
            << " read_timeouts=" << EmuSock().readTimeouts << " overflowed=" << Events().overflowed
            << " prints=" << Emu().prints.size() << std::endl;
  return 0;
}
