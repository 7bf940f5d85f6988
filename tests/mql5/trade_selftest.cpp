// Self-tests of the emulated trade functions (emu/trade.h) and WebRequest (emu/program.h) that
// MasterSenderCheck.mq5 runs on: the retcodes, fills and transactions the MQL5 reference describes.
// Prints one line per failure and a last line "N passed, N failed".
#include <thread>
#include "mql5_emulation.h"
#include "script.h"
#include "emu/trade.h"
#include "emu/program.h"

namespace {
int passed = 0, failed = 0;
void Check(bool ok, const std::string &what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::cout << "FAIL " << what << std::endl;
  }
}

void Reset(int marginMode) {
  Term() = EmuTerminal();
  Term().marginMode = marginMode;
  Events().queue.clear();
  Trade() = EmuTrade();
}

MqlTradeRequest Deal(ENUM_ORDER_TYPE type, double volume, ulong position = 0) {
  MqlTradeRequest r = {};
  r.action = TRADE_ACTION_DEAL;
  r.symbol = "EURUSD";
  r.type = type;
  r.volume = volume;
  r.position = position;
  r.magic = 42;
  r.type_filling = ORDER_FILLING_FOK;
  return r;
}

std::vector<int> QueuedTypes() {
  std::vector<int> v;
  for (const MqlTradeTransaction &t : Events().queue) v.push_back(t.type);
  Events().queue.clear();
  return v;
}

const EmuDeal &LastDeal() { return Term().deals.back(); }

void TestMarketFillAndItsTransactions() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  MqlTradeResult res = {};
  double ask = Trade().symbol.Ask();
  Check(OrderSend(Deal(ORDER_TYPE_BUY, 0.02), res), "a valid market buy is sent");
  Check(res.retcode == TRADE_RETCODE_DONE && res.volume == 0.02 && res.price == ask && res.order != 0 && res.deal != 0,
        "DONE 10009 with order, deal, volume and the ask price");
  Check(PositionSelectByTicket(res.order) && PositionGetInteger(POSITION_MAGIC) == 42 && PositionGetInteger(POSITION_IDENTIFIER) == long(res.order),
        "the position's ticket and identifier are the order's, its magic the request's");
  Check(LastDeal().entry == DEAL_ENTRY_IN && LastDeal().type == DEAL_TYPE_BUY && LastDeal().position_id == long(res.order),
        "the deal is IN, BUY, with DEAL_POSITION_ID = the position's identifier");
  Check(QueuedTypes() == std::vector<int>{TRADE_TRANSACTION_ORDER_ADD, TRADE_TRANSACTION_DEAL_ADD, TRADE_TRANSACTION_ORDER_DELETE,
                                           TRADE_TRANSACTION_HISTORY_ADD, TRADE_TRANSACTION_REQUEST},
        "a market order queues ORDER_ADD, DEAL_ADD, ORDER_DELETE, HISTORY_ADD, REQUEST");

  ulong ticket = res.order;
  Check(OrderSend(Deal(ORDER_TYPE_SELL, 0.01, ticket), res) && LastDeal().entry == DEAL_ENTRY_OUT && LastDeal().type == DEAL_TYPE_SELL &&
            LastDeal().position_id == long(ticket),
        "closing part of a buy is an OUT deal of type SELL on the position");
  Check(PositionSelectByTicket(ticket) && PositionGetDouble(POSITION_VOLUME) == 0.01, "the position keeps the rest");
  Check(!OrderSend(Deal(ORDER_TYPE_SELL, 0.05, ticket), res) && res.retcode == TRADE_RETCODE_INVALID_CLOSE_VOLUME,
        "closing more than the position is INVALID_CLOSE_VOLUME 10038");
  Check(OrderSend(Deal(ORDER_TYPE_SELL, 0.01, ticket), res) && !PositionSelectByTicket(ticket), "closing the rest removes the position");
  Check(!OrderSend(Deal(ORDER_TYPE_SELL, 0.01, ticket), res) && res.retcode == TRADE_RETCODE_POSITION_CLOSED,
        "closing a closed position is POSITION_CLOSED 10036");
}

void TestRejections() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  MqlTradeResult res = {};
  MqlTradeRequest r = Deal(ORDER_TYPE_BUY, 0.01);
  r.sl = Trade().symbol.Bid() + 0.0010;
  ResetLastError();
  Check(!OrderSend(r, res) && res.retcode == TRADE_RETCODE_INVALID_STOPS && GetLastError() == ERR_TRADE_SEND_FAILED,
        "an SL above a buy's bid is INVALID_STOPS 10016, OrderSend false, error 4756");
  Check(Term().positions.empty() && Events().queue.empty(), "a rejected request changes nothing and reports no transaction");
  Check(!OrderSend(Deal(ORDER_TYPE_BUY, 0.015), res) && res.retcode == TRADE_RETCODE_INVALID_VOLUME, "a volume off the step is INVALID_VOLUME 10014");
  r = Deal(ORDER_TYPE_BUY, 0.01);
  r.type_filling = ORDER_FILLING_RETURN;
  Check(!OrderSend(r, res) && res.retcode == TRADE_RETCODE_INVALID_FILL, "a filling the symbol does not allow is INVALID_FILL 10030");
  Trade().symbol.sessionOpen = false;
  Check(!OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res) && res.retcode == TRADE_RETCODE_MARKET_CLOSED, "a closed session is MARKET_CLOSED 10018");
  datetime from = 0, to = 0;
  Check(!SymbolInfoSessionTrade("EURUSD", THURSDAY, 0, from, to), "and SymbolInfoSessionTrade lists no session");
  Trade().symbol.sessionOpen = true;
  Term().tradeAllowed = false;
  Check(!OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res) && res.retcode == TRADE_RETCODE_CLIENT_DISABLES_AT, "Algo Trading off is CLIENT_DISABLES_AT 10027");
  Term().tradeAllowed = true;
  Trade().symbol.tradeMode = SYMBOL_TRADE_MODE_DISABLED;
  Check(!OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res) && res.retcode == TRADE_RETCODE_TRADE_DISABLED, "a disabled symbol is TRADE_DISABLED 10017");
}

void TestPartialFills() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  Trade().symbol.liquidity = 0.01;
  MqlTradeResult res = {};
  Check(!OrderSend(Deal(ORDER_TYPE_BUY, 0.03), res) && res.retcode == TRADE_RETCODE_REJECT && Term().positions.empty(),
        "fill-or-kill without the volume available is rejected 10006");
  MqlTradeRequest r = Deal(ORDER_TYPE_BUY, 0.03);
  r.type_filling = ORDER_FILLING_IOC;
  Check(OrderSend(r, res) && res.retcode == TRADE_RETCODE_DONE_PARTIAL && res.volume == 0.01, "immediate-or-cancel fills what there is: DONE_PARTIAL 10010");
  Check(PositionSelectByTicket(res.order) && PositionGetDouble(POSITION_VOLUME) == 0.01, "the position has the filled volume");
}

void TestStopsAndPendingOrders() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  MqlTradeResult res = {};
  OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res);
  ulong ticket = res.order;
  QueuedTypes();
  MqlTradeRequest s = {};
  s.action = TRADE_ACTION_SLTP;
  s.position = ticket;
  s.sl = Trade().symbol.Bid() - 0.0030;
  s.tp = Trade().symbol.Bid() + 0.0030;
  Check(OrderSend(s, res) && res.retcode == TRADE_RETCODE_DONE, "SL and TP on the right sides are DONE");
  Check(QueuedTypes() == std::vector<int>{TRADE_TRANSACTION_POSITION, TRADE_TRANSACTION_REQUEST}, "an SL/TP change queues POSITION, REQUEST");
  Check(!OrderSend(s, res) && res.retcode == TRADE_RETCODE_NO_CHANGES, "the same SL and TP again are NO_CHANGES 10025");

  MqlTradeRequest p = {};
  p.action = TRADE_ACTION_PENDING;
  p.symbol = "EURUSD";
  p.type = ORDER_TYPE_BUY_LIMIT;
  p.volume = 0.01;
  p.magic = 42;
  p.price = Trade().symbol.Ask() + 0.0005;
  Check(!OrderSend(p, res) && res.retcode == TRADE_RETCODE_INVALID_PRICE, "a buy limit above the ask is INVALID_PRICE 10015");
  p.price = Trade().symbol.Ask() - 0.0050;
  Check(OrderSend(p, res) && res.retcode == TRADE_RETCODE_DONE && OrderSelect(res.order), "a buy limit below the ask is placed: DONE");
  Check(QueuedTypes() == std::vector<int>{TRADE_TRANSACTION_ORDER_ADD, TRADE_TRANSACTION_REQUEST, TRADE_TRANSACTION_ORDER_UPDATE},
        "placing queues ORDER_ADD, REQUEST, ORDER_UPDATE");
  ulong order = res.order;
  MqlTradeRequest m = {};
  m.action = TRADE_ACTION_MODIFY;
  m.order = order;
  m.price = p.price - 0.0010;
  Check(OrderSend(m, res) && OrderSelect(order) && OrderGetDouble(ORDER_PRICE_OPEN) == m.price, "modifying moves the order");
  MqlTradeRequest d = {};
  d.action = TRADE_ACTION_REMOVE;
  d.order = order;
  Check(OrderSend(d, res) && !OrderSelect(order) && HistoryOrderSelect(order) && HistoryOrderGetInteger(order, ORDER_STATE) == ORDER_STATE_CANCELED,
        "removing moves it to history as cancelled");
  Check(!OrderSend(d, res) && res.retcode == TRADE_RETCODE_INVALID_ORDER, "removing it again is INVALID_ORDER 10035");
}

void TestActivation() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  MqlTradeResult res = {};
  MqlTradeRequest p = {};
  p.action = TRADE_ACTION_PENDING;
  p.symbol = "EURUSD";
  p.type = ORDER_TYPE_BUY_STOP;
  p.volume = 0.01;
  p.magic = 42;
  p.price = Trade().symbol.Ask() + 5 * Trade().symbol.point;
  OrderSend(p, res);
  ulong order = res.order;
  QueuedTypes();
  for (int i = 0; i < 100 && OrderSelect(order); i++) {
    Emu().tickMs += 100;
    EmuMarketTick();
  }
  Check(!OrderSelect(order) && PositionSelectByTicket(order) && PositionGetInteger(POSITION_MAGIC) == 42,
        "a buy stop is activated when the ask reaches it: a position with the order's ticket and magic");
  Check(HistoryOrderSelect(order) && HistoryOrderGetInteger(order, ORDER_STATE) == ORDER_STATE_FILLED &&
            HistoryOrderGetInteger(order, ORDER_POSITION_ID) == long(order),
        "the order is in history as filled, with ORDER_POSITION_ID");
  Check(QueuedTypes() == std::vector<int>{TRADE_TRANSACTION_ORDER_DELETE, TRADE_TRANSACTION_DEAL_ADD, TRADE_TRANSACTION_HISTORY_ADD},
        "an activation queues ORDER_DELETE, DEAL_ADD, HISTORY_ADD");
}

void TestNettingReversal() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_NETTING);
  MqlTradeResult res = {};
  OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res);
  ulong first = res.order;
  OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res);
  Check(PositionSelect("EURUSD") && PositionGetDouble(POSITION_VOLUME) == 0.02 && Term().positions.size() == 1, "netting adds to the one position");
  OrderSend(Deal(ORDER_TYPE_SELL, 0.03), res);
  Check(PositionSelect("EURUSD") && PositionGetInteger(POSITION_TICKET) == long(res.order) && PositionGetInteger(POSITION_IDENTIFIER) == long(first) &&
            PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_SELL && PositionGetDouble(POSITION_VOLUME) == 0.01,
        "a reversal keeps the identifier; the ticket becomes the reversing order's");
  Check(LastDeal().entry == DEAL_ENTRY_INOUT && LastDeal().position_id == long(first), "the reversal is an INOUT deal on the identifier");
  MqlTradeRequest c = {};
  c.action = TRADE_ACTION_CLOSE_BY;
  Check(!OrderSend(c, res) && res.retcode == TRADE_RETCODE_INVALID, "close-by on netting is refused");
}

void TestCloseBy() {
  Reset(ACCOUNT_MARGIN_MODE_RETAIL_HEDGING);
  MqlTradeResult res = {};
  OrderSend(Deal(ORDER_TYPE_BUY, 0.01), res);
  ulong buy = res.order;
  OrderSend(Deal(ORDER_TYPE_SELL, 0.01), res);
  ulong sell = res.order;
  QueuedTypes();
  MqlTradeRequest c = {};
  c.action = TRADE_ACTION_CLOSE_BY;
  c.position = buy;
  c.position_by = sell;
  Check(OrderSend(c, res) && res.retcode == TRADE_RETCODE_DONE && Term().positions.empty(), "close-by closes both positions");
  const EmuDeal &a = Term().deals[Term().deals.size() - 2];
  const EmuDeal &b = Term().deals.back();
  Check(a.entry == DEAL_ENTRY_OUT_BY && a.position_id == long(buy) && a.type == DEAL_TYPE_SELL && b.entry == DEAL_ENTRY_OUT_BY &&
            b.position_id == long(sell) && b.type == DEAL_TYPE_BUY,
        "each position gets an OUT_BY deal with its own DEAL_POSITION_ID");
  Check(QueuedTypes() == std::vector<int>{TRADE_TRANSACTION_ORDER_ADD, TRADE_TRANSACTION_DEAL_ADD, TRADE_TRANSACTION_DEAL_ADD,
                                           TRADE_TRANSACTION_ORDER_DELETE, TRADE_TRANSACTION_HISTORY_ADD, TRADE_TRANSACTION_REQUEST},
        "close-by queues ORDER_ADD, DEAL_ADD x2, ORDER_DELETE, HISTORY_ADD, REQUEST");
}

// A one-shot HTTP server on loopback answering with a chunked body.
int ServeOnce(std::thread &server) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  ::listen(fd, 1);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  server = std::thread([fd] {
    int c = ::accept(fd, nullptr, nullptr);
    char buf[2048];
    std::string request;
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, size_t(n));
    }
    bool hostOk = request.find("GET /api/x?since=1 HTTP/1.1\r\n") == 0 && request.find("\r\nHost: 127.0.0.1:") != std::string::npos;
    std::string answer = std::string("HTTP/1.1 ") + (hostOk ? "200 OK" : "400 Bad") +
                         "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n4\r\n\"é\"\r\n1\r\n}\r\n0\r\n\r\n";
    ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(c);
    ::close(fd);
  });
  return ntohs(addr.sin_port);
}

void TestWebRequest() {
  MqlArray<char> data, result;
  string headers;
  std::thread server;
  int port = ServeOnce(server);
  std::string origin = "http://127.0.0.1:" + std::to_string(port);
  Program().allowedUrls = {"127.0.0.1"};
  ResetLastError();
  Check(WebRequest("GET", string((origin + "/api/x?since=1").c_str()), "", 1000, data, result, headers) == -1 && GetLastError() == ERR_FUNCTION_NOT_ALLOWED,
        "a URL whose origin is not in the allowed list fails with 4014 (`127.0.0.1` alone does not cover a port)");
  Program().allowedUrls.push_back(origin);
  int status = WebRequest("GET", string((origin + "/api/x?since=1").c_str()), "", 1000, data, result, headers);
  server.join();
  Check(status == 200 && CharArrayToString(result, 0, WHOLE_ARRAY, CP_UTF8) == "{\"a\":\"é\"}",
        "an allowed URL gets the HTTP status and the body with the chunked coding undone");
  Check(StringFind(headers, "Content-Type: application/json") >= 0, "and the response headers");
  ResetLastError();
  Check(WebRequest("GET", string((origin + "/").c_str()), "", 1000, data, result, headers) == -1 && GetLastError() == ERR_WEBREQUEST_CONNECT_FAILED,
        "nothing listening fails with 5201");
  Check(WebRequest("GET", "127.0.0.1/x", "", 1000, data, result, headers) == -1 && GetLastError() == ERR_WEBREQUEST_INVALID_ADDRESS,
        "a URL without http:// fails with 5200");
}
}  // namespace

int main() {
  Emu().echo = false;
  TestMarketFillAndItsTransactions();
  TestRejections();
  TestPartialFills();
  TestStopsAndPendingOrders();
  TestActivation();
  TestNettingReversal();
  TestCloseBy();
  TestWebRequest();
  std::cout << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}
