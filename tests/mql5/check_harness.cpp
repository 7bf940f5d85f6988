// Runs mql5/Scripts/MasterSenderCheck.mq5 in the scripted terminal with the real EA attached alongside, as a
// trader would in MetaTrader 5: the script's OrderSend changes the emulated account (emu/trade.h), the EA
// reports each change to the relay at --port, and the script asks the relay's status page at --status-port
// what it made of it (emu/program.h: WebRequest over loopback). The script's Sleep is where the terminal
// runs the EA's trade events and timer and moves the market, in emulated time paced to --speed.
//   build/check_harness --port P --status-port S [--account hedging|netting] [--trade-mode demo|real]
//     [--market open|closed] [--allow-webrequest 1|0] [--algo-trading 1|0] [--detach-ea-after N] [--deadline-ms MS] [--speed X]
//     [--liquidity V] (market orders fill at most V lots, immediate-or-cancel: partial fills)
//     [--quote moving|frozen] [--fill-wait-ms MS] (a frozen quote never reaches the near pending order)
// Stdout: PRINT/COMMENT lines (Experts log, chart), STEP lines, and a final STATS line.
#include <chrono>
#include <thread>
#include "mql5_emulation.h"
#include "Experts/MasterSender.mq5"
#include "script.h"
#include "emu/trade.h"
#include "emu/program.h"
#include "Scripts/MasterSenderCheck.mq5"

namespace {

struct Options {
  int port = 47800, statusPort = 47801;
  bool netting = false, real = false, closed = false, allowWebRequest = true, algoTrading = true;
  int detachEaAfter = -1;  // the EA is removed from its chart before it sees trade N+1
  int deadlineMs = 5000;
  double speed = 1;
  long login = 5012345;
  bool frozenQuote = false;  // the price never moves: the near pending order never fills
  int fillWaitMs = 15000;
  double liquidity = 0;  // > 0: market orders fill at most this volume; the symbol allows immediate-or-cancel only
};
Options opt;

using Clock = std::chrono::steady_clock;
Clock::time_point wallStart;
ulong emulatedStart = 0;
bool eaAttached = false;
ulong nextTimerMs = 0;

void DetachEaIfDue() {
  if (eaAttached && opt.detachEaAfter >= 0 && Trade().sent > opt.detachEaAfter) {
    eaAttached = false;
    OnDeinit(REASON_REMOVE);
    std::cout << "STEP ea-detached" << std::endl;
  }
}

// Delivers the trade transactions queued so far to the EA (the terminal does so on the EA's own thread).
void Deliver() {
  DetachEaIfDue();
  EmuEvents &e = Events();
  while (!e.queue.empty()) {
    MqlTradeTransaction t = e.queue.front();
    e.queue.pop_front();
    OnDelivered(t);
    if (!eaAttached) continue;
    MqlTradeRequest req;
    MqlTradeResult res;
    OnTradeTransaction(t, req, res);
  }
}

// The terminal runs for ms of emulated time in 10 ms steps: events, market moves, the EA's timer.
void Run(uint ms) {
  ulong end = Emu().tickMs + ms;
  Deliver();
  while (Emu().tickMs < end) {
    ulong step = std::min<ulong>(10, end - Emu().tickMs);
    Emu().tickMs += step;
    EmuMarketTick();
    Deliver();
    if (eaAttached && Emu().timerMs > 0 && Emu().tickMs >= nextTimerMs) {
      nextTimerMs = Emu().tickMs + ulong(Emu().timerMs);
      OnTimer();
    }
    auto due = wallStart + std::chrono::microseconds(long(double(Emu().tickMs - emulatedStart) * 1000 / opt.speed));
    // After a stall (a loaded machine, a slow WebRequest) move the baseline rather than catch up.
    if (Clock::now() - due > std::chrono::milliseconds(100)) wallStart += Clock::now() - due;
    std::this_thread::sleep_until(due);
  }
}

bool ParseArgs(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") opt.port = std::stoi(v);
    else if (k == "--status-port") opt.statusPort = std::stoi(v);
    else if (k == "--account" && (v == "hedging" || v == "netting")) opt.netting = v == "netting";
    else if (k == "--trade-mode" && (v == "demo" || v == "real")) opt.real = v == "real";
    else if (k == "--market" && (v == "open" || v == "closed")) opt.closed = v == "closed";
    else if (k == "--allow-webrequest") opt.allowWebRequest = v == "1";
    else if (k == "--algo-trading") opt.algoTrading = v == "1";
    else if (k == "--detach-ea-after") opt.detachEaAfter = std::stoi(v);
    else if (k == "--deadline-ms") opt.deadlineMs = std::stoi(v);
    else if (k == "--speed") opt.speed = std::stod(v);
    else if (k == "--login") opt.login = std::stol(v);
    else if (k == "--liquidity") opt.liquidity = std::stod(v);
    else if (k == "--quote" && (v == "moving" || v == "frozen")) opt.frozenQuote = v == "frozen";
    else if (k == "--fill-wait-ms") opt.fillWaitMs = std::stoi(v);
    else return false;
  }
  return (argc % 2) == 1 && opt.speed > 0;
}

int CountOurs() {
  int n = 0;
  for (const EmuPosition &p : Term().positions) n += p.magic == CheckMagic ? 1 : 0;
  for (const EmuOrder &o : Term().orders) n += o.magic == CheckMagic ? 1 : 0;
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  if (!ParseArgs(argc, argv)) {
    std::cerr << "usage: check_harness --port P --status-port S [--account hedging|netting] [--trade-mode demo|real] "
                 "[--market open|closed] [--allow-webrequest 1|0] [--algo-trading 1|0] [--detach-ea-after N] [--deadline-ms MS] [--speed X] [--login L] [--liquidity V] [--quote moving|frozen] [--fill-wait-ms MS]\n";
    return 2;
  }
  RelayPort.HarnessSetByUser(opt.port);
  std::string origin = "http://127.0.0.1:" + std::to_string(opt.statusPort);
  CheckRelayUrl.HarnessSetByUser(string(origin.c_str()));
  CheckDeadlineMs.HarnessSetByUser(opt.deadlineMs);
  Term().login = opt.login;
  Term().marginMode = opt.netting ? ACCOUNT_MARGIN_MODE_RETAIL_NETTING : ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
  Term().tradeMode = opt.real ? ACCOUNT_TRADE_MODE_REAL : ACCOUNT_TRADE_MODE_DEMO;
  Trade().symbol.sessionOpen = !opt.closed;
  Trade().symbol.moves = !opt.frozenQuote;
  Term().tradeAllowed = opt.algoTrading;
  CheckFillWaitMs.HarnessSetByUser(opt.fillWaitMs);
  if (opt.liquidity > 0) {
    Trade().symbol.liquidity = opt.liquidity;
    Trade().symbol.fillingFlags = SYMBOL_FILLING_IOC;
  }
  // The EA's sockets need `127.0.0.1`; the script's WebRequest needs the status page's URL with its port.
  Program().allowedUrls = {"127.0.0.1"};
  if (opt.allowWebRequest) Program().allowedUrls.push_back(origin);
  Program().sleep = [](uint ms) { Run(ms); };

  wallStart = Clock::now();
  emulatedStart = Emu().tickMs;
  int init = OnInit();
  std::cout << "INIT " << init << std::endl;
  eaAttached = init == INIT_SUCCEEDED;
  nextTimerMs = Emu().tickMs + ulong(Emu().timerMs);
  // As a trader would: the EA shows CONNECTED before the check is started (or a minute passes).
  ulong waitEnd = Emu().tickMs + 60000;
  while (Emu().tickMs < waitEnd && !(g_session.accepted && g_session.lastSnapshotMs != 0)) Run(50);
  std::cout << "STEP " << (g_session.accepted ? "session" : "no-session") << std::endl;

  OnStart();
  std::cout << "STEP script-done" << std::endl;
  Run(1000);  // the cleanup's signals leave
  if (eaAttached) OnDeinit(REASON_REMOVE);
  std::cout << "STATS order_sends=" << Trade().sent << " web_requests=" << Program().webRequests
            << " left_open=" << CountOurs() << std::endl;
  return 0;
}
