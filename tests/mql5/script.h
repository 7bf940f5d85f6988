// The scripted terminal: trade operations that change the emulated account and queue the trade
// transactions MetaTrader 5 reports for them (MQL5 reference, "Trade Transaction Types" and
// OnTradeTransaction: a market order gives ORDER_ADD, DEAL_ADD, ORDER_DELETE, HISTORY_ADD, REQUEST;
// a position's SL/TP change gives POSITION, REQUEST; a pending order ORDER_ADD, REQUEST, ORDER_UPDATE;
// its removal ORDER_DELETE, HISTORY_ADD). Delivery order can be shuffled and events dropped; the
// queue holds 1024 events and, as in the terminal, newer events push the oldest out. History records can
// lag behind the deletion event (--history-lag-ms), as the terminal does not promise their order.
#pragma once
#include <deque>
#include <random>

struct EmuEvents {
  std::deque<MqlTradeTransaction> queue;
  size_t capacity = 1024;
  size_t overflowed = 0;
  bool shuffle = false;   // deliver each operation's events in a random order
  double dropRate = 0;    // probability that an event never arrives
  std::mt19937 rng{12345};
  ulong historyLagMs = 0;  // history records appear this late, or when their HISTORY_ADD is delivered
  ulong dealLagMaxMs = 0;  // each deal reaches history 0..this many ms after its trade (random)
  ulong nextTicket = 700000001;
  ulong nextDeal = 900000001;
};
inline EmuEvents &Events() {
  static EmuEvents e;
  return e;
}

inline long EmuNowMsc() { return long(TimeCurrent()) * 1000 + long(Emu().tickMs % 1000); }

inline MqlTradeTransaction Tx(ENUM_TRADE_TRANSACTION_TYPE type, ulong order, ulong deal, ulong position,
                              const std::string &symbol) {
  MqlTradeTransaction t;
  t.type = type;
  t.order = order;
  t.deal = deal;
  t.position = position;
  t.symbol = string(symbol.c_str());
  return t;
}

inline void Queue(std::vector<MqlTradeTransaction> batch) {
  EmuEvents &e = Events();
  if (e.shuffle) std::shuffle(batch.begin(), batch.end(), e.rng);
  std::uniform_real_distribution<double> u(0, 1);
  for (const MqlTradeTransaction &t : batch) {
    if (e.dropRate > 0 && u(e.rng) < e.dropRate) continue;
    e.queue.push_back(t);
    if (e.queue.size() > e.capacity) {
      e.queue.pop_front();
      e.overflowed++;
    }
  }
}

// Deals can reach the terminal's history after the position has left PositionsTotal(): the trade event
// and the history update are separate messages from the server, in no promised order
// (https://www.mql5.com/en/docs/event_handlers/ontradetransaction: "the order of arrival is not guaranteed").
inline void AddDeal(EmuDeal d) {
  EmuEvents &e = Events();
  ulong lag = 0;
  if (e.dealLagMaxMs > 0) lag = std::uniform_int_distribution<ulong>(0, e.dealLagMaxMs)(e.rng);
  d.visibleAtMs = Emu().tickMs + lag;
  Term().deals.push_back(d);
}

inline void AddHistoryOrder(EmuOrder h) {
  h.visibleAtMs = Emu().tickMs + Events().historyLagMs;
  Term().historyOrders.push_back(h);
}

// Called as each transaction is delivered: a HISTORY_ADD means the record is there now.
inline void OnDelivered(const MqlTradeTransaction &t) {
  if (t.type != TRADE_TRANSACTION_HISTORY_ADD) return;
  for (EmuOrder &h : Term().historyOrders)
    if (h.ticket == t.order && h.visibleAtMs > Emu().tickMs) h.visibleAtMs = Emu().tickMs;
}

inline EmuPosition *FindPosition(ulong ticket) {
  for (EmuPosition &p : Term().positions)
    if (p.ticket == ticket) return &p;
  return nullptr;
}
inline EmuOrder *FindOrder(ulong ticket) {
  for (EmuOrder &o : Term().orders)
    if (o.ticket == ticket) return &o;
  return nullptr;
}

// A market order that is filled at once; returns the new position's ticket (= the order's).
inline ulong OpenMarket(const std::string &symbol, int positionType, double volume, double price,
                        double sl = 0, double tp = 0) {
  EmuEvents &e = Events();
  ulong order = e.nextTicket++, deal = e.nextDeal++;
  EmuPosition p;
  p.ticket = order;
  p.identifier = long(order);
  p.symbol = symbol;
  p.type = positionType;
  p.volume = volume;
  p.price_open = p.price_current = price;
  p.sl = sl;
  p.tp = tp;
  p.time_msc = p.time_update_msc = EmuNowMsc();
  Term().positions.push_back(p);
  EmuOrder h;
  h.ticket = order;
  h.symbol = symbol;
  h.type = positionType == POSITION_TYPE_BUY ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
  h.state = ORDER_STATE_FILLED;
  h.volume_initial = volume;
  h.price_open = price;
  h.position_id = long(order);
  h.time_setup_msc = EmuNowMsc();
  AddHistoryOrder(h);
  EmuDeal d;
  d.type = positionType == POSITION_TYPE_BUY ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
  d.ticket = deal;
  d.order = order;
  d.position_id = long(order);
  d.price = price;
  d.volume = volume;
  d.time_msc = EmuNowMsc();
  AddDeal(d);
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, 0, symbol), Tx(TRADE_TRANSACTION_DEAL_ADD, order, deal, order, symbol),
         Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, order, symbol),
         Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, order, symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol)});
  return order;
}

inline void ModifyPosition(ulong ticket, double sl, double tp) {
  EmuPosition *p = FindPosition(ticket);
  if (!p) return;
  p->sl = sl;
  p->tp = tp;
  p->time_update_msc = EmuNowMsc();
  MqlTradeTransaction t = Tx(TRADE_TRANSACTION_POSITION, 0, 0, ticket, p->symbol);
  t.price_sl = sl;
  t.price_tp = tp;
  Queue({t, Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, p->symbol)});
}

// Closes volume lots of the position (all of it when volume >= its volume) with a counter order.
inline void ClosePosition(ulong ticket, double volume, double price) {
  EmuPosition *p = FindPosition(ticket);
  if (!p) return;
  EmuEvents &e = Events();
  ulong order = e.nextTicket++, deal = e.nextDeal++;
  std::string symbol = p->symbol;
  EmuOrder h;
  h.ticket = order;
  h.symbol = symbol;
  h.type = p->type == POSITION_TYPE_BUY ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
  h.state = ORDER_STATE_FILLED;
  h.volume_initial = volume;
  h.price_open = price;
  h.position_id = p->identifier;
  AddHistoryOrder(h);
  EmuDeal d;
  d.type = p->type == POSITION_TYPE_BUY ? DEAL_TYPE_SELL : DEAL_TYPE_BUY;
  d.ticket = deal;
  d.order = order;
  d.position_id = p->identifier;
  d.entry = DEAL_ENTRY_OUT;
  d.price = price;
  d.volume = volume;
  d.time_msc = EmuNowMsc();
  AddDeal(d);
  if (volume + 1e-9 >= p->volume) {
    auto &v = Term().positions;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuPosition &x) { return x.ticket == ticket; }), v.end());
  } else {
    p->volume = std::round((p->volume - volume) * 100) / 100;
    p->time_update_msc = EmuNowMsc();
  }
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, ticket, symbol), Tx(TRADE_TRANSACTION_DEAL_ADD, order, deal, ticket, symbol),
         Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, ticket, symbol),
         Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, ticket, symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol)});
}

inline ulong PlacePending(const std::string &symbol, int orderType, double volume, double price, double sl = 0,
                          double tp = 0) {
  ulong ticket = Events().nextTicket++;
  EmuOrder o;
  o.ticket = ticket;
  o.symbol = symbol;
  o.type = orderType;
  o.state = ORDER_STATE_PLACED;
  o.volume_current = o.volume_initial = volume;
  o.price_open = price;
  o.sl = sl;
  o.tp = tp;
  o.time_setup_msc = EmuNowMsc();
  Term().orders.push_back(o);
  MqlTradeTransaction placed = Tx(TRADE_TRANSACTION_ORDER_UPDATE, ticket, 0, 0, symbol);
  placed.order_state = ORDER_STATE_PLACED;
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, ticket, 0, 0, symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol), placed});
  return ticket;
}

inline void ModifyPending(ulong ticket, double price, double sl, double tp) {
  EmuOrder *o = FindOrder(ticket);
  if (!o) return;
  o->price_open = price;
  o->sl = sl;
  o->tp = tp;
  Queue({Tx(TRADE_TRANSACTION_ORDER_UPDATE, ticket, 0, 0, o->symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, o->symbol)});
}

// Moves a pending order to history with its final state (cancelled, expired, or filled: then a
// position with the order's ticket opens, as a server-side activation does).
inline void EndPending(ulong ticket, int finalState, double fillPrice = 0) {
  EmuOrder *o = FindOrder(ticket);
  if (!o) return;
  EmuOrder h = *o;
  std::string symbol = h.symbol;
  auto &v = Term().orders;
  v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuOrder &x) { return x.ticket == ticket; }), v.end());
  h.state = finalState;
  std::vector<MqlTradeTransaction> batch{Tx(TRADE_TRANSACTION_ORDER_DELETE, ticket, 0, 0, symbol)};
  if (finalState == ORDER_STATE_FILLED) {
    h.position_id = long(ticket);
    EmuPosition p;
    p.ticket = ticket;
    p.identifier = long(ticket);
    p.symbol = symbol;
    p.type = (h.type % 2 == 0) ? POSITION_TYPE_BUY : POSITION_TYPE_SELL;
    p.volume = h.volume_current;
    p.price_open = p.price_current = fillPrice;
    p.sl = h.sl;
    p.tp = h.tp;
    p.time_msc = p.time_update_msc = EmuNowMsc();
    Term().positions.push_back(p);
    EmuDeal d;
    d.type = (h.type % 2 == 0) ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
    d.ticket = Events().nextDeal++;
    d.order = ticket;
    d.position_id = long(ticket);
    d.price = fillPrice;
    d.volume = h.volume_current;
    d.time_msc = EmuNowMsc();
    AddDeal(d);
    batch.push_back(Tx(TRADE_TRANSACTION_DEAL_ADD, ticket, d.ticket, ticket, symbol));
  }
  AddHistoryOrder(h);
  batch.push_back(Tx(TRADE_TRANSACTION_HISTORY_ADD, ticket, 0, 0, symbol));
  if (finalState == ORDER_STATE_CANCELED) batch.push_back(Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol));
  Queue(batch);
}

// Netting account: one position per symbol; a deal in the same direction adds to it, an opposite
// one reduces, closes or reverses it (the identifier never changes; MQL5 "Position Properties").
inline ulong NettingDeal(const std::string &symbol, int positionType, double volume, double price) {
  EmuEvents &e = Events();
  ulong order = e.nextTicket++, deal = e.nextDeal++;
  EmuPosition *p = nullptr;
  for (EmuPosition &x : Term().positions)
    if (x.symbol == symbol) p = &x;
  if (!p) return OpenMarket(symbol, positionType, volume, price);
  ulong ticket = p->ticket;
  EmuOrder h;
  h.ticket = order;
  h.symbol = symbol;
  h.type = positionType == POSITION_TYPE_BUY ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
  h.state = ORDER_STATE_FILLED;
  h.volume_initial = volume;
  h.position_id = p->identifier;
  AddHistoryOrder(h);
  EmuDeal d;
  d.type = positionType == POSITION_TYPE_BUY ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
  d.ticket = deal;
  d.order = order;
  d.position_id = p->identifier;
  d.price = price;
  d.volume = volume;
  d.time_msc = EmuNowMsc();
  if (p->type == positionType) {
    p->price_open = (p->price_open * p->volume + price * volume) / (p->volume + volume);
    p->volume = std::round((p->volume + volume) * 100) / 100;
  } else if (volume + 1e-9 < p->volume) {
    p->volume = std::round((p->volume - volume) * 100) / 100;
    d.entry = DEAL_ENTRY_OUT;
  } else if (volume - 1e-9 > p->volume) {
    p->volume = std::round((volume - p->volume) * 100) / 100;
    p->type = positionType;
    p->price_open = price;
    d.entry = DEAL_ENTRY_INOUT;
    // The reversing order's ticket becomes the position's ticket; the identifier stays
    // (https://www.mql5.com/en/docs/constants/tradingconstants/positionproperties).
    p->ticket = order;
  } else {
    d.entry = DEAL_ENTRY_OUT;
    auto &v = Term().positions;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuPosition &x) { return x.ticket == ticket; }), v.end());
    p = nullptr;
  }
  ulong now = p ? p->ticket : ticket;
  if (p) p->time_update_msc = EmuNowMsc();
  AddDeal(d);
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, 0, symbol), Tx(TRADE_TRANSACTION_DEAL_ADD, order, deal, now, symbol),
         Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, now, symbol),
         Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, now, symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol)});
  return now;
}

// The opening deal of a position that existed before the script (history always holds it).
inline void AddOpeningDeal(const EmuPosition &p) {
  EmuDeal d;
  d.ticket = Events().nextDeal++;
  d.order = p.ticket;
  d.position_id = p.identifier;
  d.type = p.type == POSITION_TYPE_BUY ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
  d.entry = DEAL_ENTRY_IN;
  d.price = p.price_open;
  d.volume = p.volume;
  d.time_msc = p.time_msc;
  Term().deals.push_back(d);
}

// A swap charged by re-opening: the server gives the position a new ticket, its identifier stays
// (https://www.mql5.com/en/docs/constants/tradingconstants/positionproperties, POSITION_TICKET). No deal.
inline ulong SwapReopen(ulong ticket) {
  EmuPosition *p = FindPosition(ticket);
  if (!p) return 0;
  p->ticket = Events().nextTicket++;
  p->time_update_msc = EmuNowMsc();
  Queue({Tx(TRADE_TRANSACTION_POSITION, 0, 0, p->ticket, p->symbol)});
  return p->ticket;
}

// Close-by: two opposite positions close each other; each gets a DEAL_ENTRY_OUT_BY deal for the smaller
// volume (https://www.mql5.com/en/docs/constants/tradingconstants/dealproperties).
inline void CloseBy(ulong a, ulong b, double price) {
  EmuPosition *pa = FindPosition(a), *pb = FindPosition(b);
  if (!pa || !pb) return;
  double volume = std::min(pa->volume, pb->volume);
  ulong order = Events().nextTicket++;
  std::string symbol = pa->symbol;
  EmuOrder h;
  h.ticket = order;
  h.symbol = symbol;
  h.type = ORDER_TYPE_CLOSE_BY;
  h.state = ORDER_STATE_FILLED;
  h.volume_initial = volume;
  h.position_id = long(a);
  AddHistoryOrder(h);
  std::vector<MqlTradeTransaction> batch{Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, a, symbol)};
  for (ulong t : {a, b}) {
    EmuPosition *p = FindPosition(t);
    EmuDeal d;
    d.ticket = Events().nextDeal++;
    d.order = order;
    d.position_id = p->identifier;
    d.type = p->type == POSITION_TYPE_BUY ? DEAL_TYPE_SELL : DEAL_TYPE_BUY;
    d.entry = DEAL_ENTRY_OUT_BY;
    d.price = price;
    d.volume = volume;
    d.time_msc = EmuNowMsc();
    AddDeal(d);
    batch.push_back(Tx(TRADE_TRANSACTION_DEAL_ADD, order, d.ticket, t, symbol));
  }
  for (ulong t : {a, b}) {
    EmuPosition *p = FindPosition(t);
    if (p->volume - volume > 1e-9) {
      p->volume = std::round((p->volume - volume) * 100) / 100;
    } else {
      auto &v = Term().positions;
      v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuPosition &x) { return x.ticket == t; }), v.end());
    }
  }
  batch.push_back(Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, a, symbol));
  batch.push_back(Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, a, symbol));
  batch.push_back(Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol));
  Queue(batch);
}

// A server-side SL or TP trigger: the server closes the whole position at the stop's price; no REQUEST.
inline void ServerStop(ulong ticket, bool takeProfit) {
  EmuPosition *p = FindPosition(ticket);
  if (!p) return;
  ClosePosition(ticket, p->volume, takeProfit ? p->tp : p->sl);
}

// A stop-limit order activates: the same ticket becomes a limit order at its stop-limit price
// (the reference leaves the mechanics open; this is what the terminal's Trade tab shows).
inline void ActivateStopLimit(ulong ticket) {
  EmuOrder *o = FindOrder(ticket);
  if (!o || (o->type != ORDER_TYPE_BUY_STOP_LIMIT && o->type != ORDER_TYPE_SELL_STOP_LIMIT)) return;
  o->type = o->type == ORDER_TYPE_BUY_STOP_LIMIT ? ORDER_TYPE_BUY_LIMIT : ORDER_TYPE_SELL_LIMIT;
  o->price_open = o->price_stoplimit;
  o->price_stoplimit = 0;
  Queue({Tx(TRADE_TRANSACTION_ORDER_UPDATE, ticket, 0, 0, o->symbol)});
}

// The terminal's own lists: positions and orders it has not loaded yet (after a start, a reconnect to the
// trade server or an account switch) appear at loadAtMs. The EA may run "with the data available" up to 5 s
// before that (https://www.mql5.com/en/docs/runtime/running).
struct EmuLoading {
  std::vector<EmuPosition> positions;
  std::vector<EmuOrder> orders;
  ulong loadAtMs = 0;
};
inline EmuLoading &Loading() {
  static EmuLoading l;
  return l;
}
// Hides the terminal's lists until atMs.
inline void UnloadUntil(ulong atMs) {
  EmuLoading &l = Loading();
  l.positions.insert(l.positions.end(), Term().positions.begin(), Term().positions.end());
  l.orders.insert(l.orders.end(), Term().orders.begin(), Term().orders.end());
  Term().positions.clear();
  Term().orders.clear();
  l.loadAtMs = atMs;
}
// Called every emulated tick, before the EA's handlers; loads item by item, as the terminal does.
inline void EmuTerminalTick() {
  EmuLoading &l = Loading();
  if (l.positions.empty() && l.orders.empty()) return;
  if (Emu().tickMs < l.loadAtMs) return;
  Term().positions.insert(Term().positions.end(), l.positions.begin(), l.positions.end());
  Term().orders.insert(Term().orders.end(), l.orders.begin(), l.orders.end());
  l.positions.clear();
  l.orders.clear();
}
