// The trade functions a script calls (OrderSend, SymbolInfo*, PositionSelect) over the scripted terminal of
// tests/mql5/script.h: the server's checks with their retcodes, fills and partial fills, and the trade
// transactions each request produces, delivered later to the EA's OnTradeTransaction as in the terminal.
// Include after mql5_emulation.h and script.h. The EA never includes this: it must not trade.
//
// Reference pages followed:
//   OrderSend             https://www.mql5.com/en/docs/trading/ordersend
//   MqlTradeRequest       https://www.mql5.com/en/docs/constants/structures/mqltraderequest
//   MqlTradeResult        https://www.mql5.com/en/docs/constants/structures/mqltraderesult
//   Return codes          https://www.mql5.com/en/docs/constants/errorswarnings/enum_trade_return_codes
//   Transaction types     https://www.mql5.com/en/docs/constants/tradingconstants/enum_trade_transaction_type
//                         (a market buy: the request is handled, an order is created, executed and removed from
//                         the open ones, added to history, a deal is added and a position appears; queued here as
//                         ORDER_ADD, DEAL_ADD, ORDER_DELETE, HISTORY_ADD, REQUEST, the order script.h already uses)
//   OnTradeTransaction    https://www.mql5.com/en/docs/event_handlers/ontradetransaction
//   Position properties   https://www.mql5.com/en/docs/constants/tradingconstants/positionproperties
//                         (netting reversal keeps POSITION_IDENTIFIER, POSITION_TICKET becomes the reversing order's)
//   Deal properties       https://www.mql5.com/en/docs/constants/tradingconstants/dealproperties
//                         (DEAL_ENTRY_IN/OUT/INOUT/OUT_BY, DEAL_POSITION_ID = the position's identifier)
//   Symbol properties     https://www.mql5.com/en/docs/constants/environment_state/marketinfoconstants
//   SymbolInfoSessionTrade https://www.mql5.com/en/docs/marketinformation/symbolinfosessiontrade
//   Filling types         https://www.mql5.com/en/docs/constants/tradingconstants/orderproperties#enum_order_type_filling
// Not modelled: requotes (instant execution), stop-limit orders, SL/TP triggered by price, margin checks.
#pragma once
#include <cmath>

#define TRADE_RETCODE_REJECT 10006
#define TRADE_RETCODE_PLACED 10008
#define TRADE_RETCODE_DONE 10009
#define TRADE_RETCODE_DONE_PARTIAL 10010
#define TRADE_RETCODE_INVALID 10013
#define TRADE_RETCODE_INVALID_VOLUME 10014
#define TRADE_RETCODE_INVALID_PRICE 10015
#define TRADE_RETCODE_INVALID_STOPS 10016
#define TRADE_RETCODE_TRADE_DISABLED 10017
#define TRADE_RETCODE_MARKET_CLOSED 10018
#define TRADE_RETCODE_NO_CHANGES 10025
#define TRADE_RETCODE_CLIENT_DISABLES_AT 10027
#define TRADE_RETCODE_INVALID_FILL 10030
#define TRADE_RETCODE_CONNECTION 10031
#define TRADE_RETCODE_INVALID_ORDER 10035
#define TRADE_RETCODE_POSITION_CLOSED 10036
#define TRADE_RETCODE_INVALID_CLOSE_VOLUME 10038
#define ERR_TRADE_SEND_FAILED 4756

enum ENUM_SYMBOL_INFO_DOUBLE { SYMBOL_BID, SYMBOL_ASK, SYMBOL_POINT, SYMBOL_VOLUME_MIN, SYMBOL_VOLUME_MAX, SYMBOL_VOLUME_STEP };
enum ENUM_SYMBOL_INFO_INTEGER { SYMBOL_DIGITS, SYMBOL_TRADE_MODE, SYMBOL_TRADE_STOPS_LEVEL, SYMBOL_FILLING_MODE, SYMBOL_SPREAD };
enum ENUM_SYMBOL_TRADE_MODE {
  SYMBOL_TRADE_MODE_DISABLED = 0, SYMBOL_TRADE_MODE_LONGONLY = 1, SYMBOL_TRADE_MODE_SHORTONLY = 2,
  SYMBOL_TRADE_MODE_CLOSEONLY = 3, SYMBOL_TRADE_MODE_FULL = 4
};
enum ENUM_DAY_OF_WEEK { SUNDAY = 0, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY };
#define SYMBOL_FILLING_FOK 1
#define SYMBOL_FILLING_IOC 2

// One symbol (the chart's). Every 100 ms of emulated time the price moves 4 points along a triangle of +-20
// points whose middle rises 5 points a second, so a buy stop a few points above the ask is reached within
// a few seconds, as on a live demo quote, and a limit order far below never is.
struct EmuSymbol {
  std::string name = "EURUSD";
  int digits = 5;
  double point = 0.00001;
  double mid = 1.08500;
  int spreadPoints = 10;
  int offsetPoints = 0;
  double volumeMin = 0.01, volumeMax = 100, volumeStep = 0.01;
  int tradeMode = SYMBOL_TRADE_MODE_FULL;
  int stopsLevel = 0;
  int fillingFlags = SYMBOL_FILLING_FOK | SYMBOL_FILLING_IOC;
  bool sessionOpen = true;   // false: no trade session today (a weekend), and the server answers MARKET_CLOSED
  double liquidity = 1e9;    // at most this volume fills per market order (IOC fills part, FOK is rejected)
  bool moves = true;
  double Bid() const { return std::round((mid + offsetPoints * point) / point) * point; }
  double Ask() const { return std::round((mid + (offsetPoints + spreadPoints) * point) / point) * point; }
};
struct EmuTrade {
  EmuSymbol symbol;
  ulong lastMoveMs = 0;
  long step = 0;
  int sent = 0;  // OrderSend calls, for the harness
};
inline EmuTrade &Trade() {
  static EmuTrade t;
  return t;
}

inline string Symbol() { return string(Trade().symbol.name.c_str()); }

inline const EmuSymbol *EmuFindSymbol(const string &name) {
  return name.utf8() == Trade().symbol.name ? &Trade().symbol : nullptr;
}

inline double SymbolInfoDouble(const string &name, ENUM_SYMBOL_INFO_DOUBLE p) {
  const EmuSymbol *s = EmuFindSymbol(name);
  if (!s) return 0;
  switch (p) {
    case SYMBOL_BID: return s->Bid();
    case SYMBOL_ASK: return s->Ask();
    case SYMBOL_POINT: return s->point;
    case SYMBOL_VOLUME_MIN: return s->volumeMin;
    case SYMBOL_VOLUME_MAX: return s->volumeMax;
    case SYMBOL_VOLUME_STEP: return s->volumeStep;
  }
  return 0;
}
inline long SymbolInfoInteger(const string &name, ENUM_SYMBOL_INFO_INTEGER p) {
  const EmuSymbol *s = EmuFindSymbol(name);
  if (!s) return 0;
  switch (p) {
    case SYMBOL_DIGITS: return s->digits;
    case SYMBOL_TRADE_MODE: return s->tradeMode;
    case SYMBOL_TRADE_STOPS_LEVEL: return s->stopsLevel;
    case SYMBOL_FILLING_MODE: return s->fillingFlags;
    case SYMBOL_SPREAD: return s->spreadPoints;
  }
  return 0;
}
// One session per weekday, the whole day, when the market is open; none when it is closed.
inline bool SymbolInfoSessionTrade(const string &name, ENUM_DAY_OF_WEEK day, uint index, datetime &from, datetime &to) {
  (void)day;
  const EmuSymbol *s = EmuFindSymbol(name);
  if (!s || !s->sessionOpen || index != 0) return false;
  from = 0;
  to = 86400;
  return true;
}

// PositionSelect(symbol): the netting way to select the symbol's position (the first, on hedging).
inline bool PositionSelect(const string &symbol) {
  EmuTerminal &t = Term();
  for (const EmuPosition &p : t.positions)
    if (p.symbol == symbol.utf8()) {
      t.selPosition = p;
      t.hasSelPosition = true;
      return true;
    }
  t.hasSelPosition = false;
  return false;
}

inline bool EmuVolumeValid(const EmuSymbol &s, double v) {
  if (v < s.volumeMin - 1e-9 || v > s.volumeMax + 1e-9) return false;
  double steps = v / s.volumeStep;
  return std::fabs(steps - std::round(steps)) < 1e-6;
}
inline double EmuRoundVolume(double v) { return std::round(v * 1e8) / 1e8; }
inline bool EmuIsBuy(int orderType) { return orderType % 2 == 0; }

// SL below and TP above the price a buy closes at (and the reverse for a sell), each at least the stops level
// away; 0 means none.
inline bool EmuStopsValid(const EmuSymbol &s, bool buy, double basePrice, double sl, double tp) {
  double gap = s.stopsLevel * s.point;
  if (buy) return (sl == 0 || sl < basePrice - gap) && (tp == 0 || tp > basePrice + gap);
  return (sl == 0 || sl > basePrice + gap) && (tp == 0 || tp < basePrice - gap);
}
inline bool EmuPendingPriceValid(const EmuSymbol &s, int type, double price) {
  double gap = s.stopsLevel * s.point;
  switch (type) {
    case ORDER_TYPE_BUY_LIMIT: return price <= s.Ask() - gap;
    case ORDER_TYPE_SELL_LIMIT: return price >= s.Bid() + gap;
    case ORDER_TYPE_BUY_STOP: return price >= s.Ask() + gap;
    case ORDER_TYPE_SELL_STOP: return price <= s.Bid() - gap;
  }
  return false;
}

inline EmuOrder EmuFilledOrder(ulong ticket, const std::string &symbol, int type, double volume, double price, long positionId,
                               long magic) {
  EmuOrder h;
  h.ticket = ticket;
  h.symbol = symbol;
  h.type = type;
  h.state = ORDER_STATE_FILLED;
  h.volume_initial = volume;
  h.price_open = price;
  h.position_id = positionId;
  h.magic = magic;
  h.time_setup_msc = EmuNowMsc();
  return h;
}
inline EmuDeal EmuAddDeal(ulong order, long positionId, int dealType, int entry, double price, double volume) {
  EmuDeal d;
  d.ticket = Events().nextDeal++;
  d.order = order;
  d.position_id = positionId;
  d.type = dealType;
  d.entry = entry;
  d.price = price;
  d.volume = volume;
  d.time_msc = EmuNowMsc();
  Term().deals.push_back(d);
  return d;
}
inline void EmuRemovePosition(ulong ticket) {
  auto &v = Term().positions;
  v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuPosition &x) { return x.ticket == ticket; }), v.end());
}

// A filled market order (or an activated pending order: then `order` is that order's ticket) against the
// account: opens, adds to, reduces, closes or reverses a position. On hedging `closing` names the position
// to reduce; 0 opens a new one. Returns the deal.
inline EmuDeal EmuExecute(ulong order, int orderType, double volume, double price, double sl, double tp, long magic,
                          ulong closing) {
  EmuTerminal &t = Term();
  const std::string symbol = Trade().symbol.name;
  const int side = EmuIsBuy(orderType) ? POSITION_TYPE_BUY : POSITION_TYPE_SELL;
  const int dealType = side == POSITION_TYPE_BUY ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
  EmuPosition *p = nullptr;
  if (t.marginMode == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING) {
    p = closing ? FindPosition(closing) : nullptr;
  } else {
    for (EmuPosition &x : t.positions)
      if (x.symbol == symbol) p = &x;
  }
  EmuDeal d;
  if (!p) {
    EmuPosition n;
    n.ticket = order;
    n.identifier = long(order);
    n.symbol = symbol;
    n.type = side;
    n.volume = volume;
    n.price_open = n.price_current = price;
    n.sl = sl;
    n.tp = tp;
    n.magic = magic;
    n.time_msc = n.time_update_msc = EmuNowMsc();
    t.positions.push_back(n);
    d = EmuAddDeal(order, long(order), dealType, DEAL_ENTRY_IN, price, volume);
  } else if (p->type == side) {
    p->price_open = (p->price_open * p->volume + price * volume) / (p->volume + volume);
    p->volume = EmuRoundVolume(p->volume + volume);
    p->time_update_msc = EmuNowMsc();
    d = EmuAddDeal(order, p->identifier, dealType, DEAL_ENTRY_IN, price, volume);
  } else if (volume < p->volume - 1e-9) {
    p->volume = EmuRoundVolume(p->volume - volume);
    p->time_update_msc = EmuNowMsc();
    d = EmuAddDeal(order, p->identifier, dealType, DEAL_ENTRY_OUT, price, volume);
  } else if (volume > p->volume + 1e-9) {
    // Netting only (hedging refuses a close larger than the position): the position turns; its identifier stays,
    // its ticket becomes the reversing order's (MQL5 Position Properties, POSITION_IDENTIFIER).
    d = EmuAddDeal(order, p->identifier, dealType, DEAL_ENTRY_INOUT, price, volume);
    p->ticket = order;
    p->type = side;
    p->volume = EmuRoundVolume(volume - p->volume);
    p->price_open = p->price_current = price;
    p->sl = p->tp = 0;
    p->time_update_msc = EmuNowMsc();
  } else {
    d = EmuAddDeal(order, p->identifier, dealType, DEAL_ENTRY_OUT, price, volume);
    EmuRemovePosition(p->ticket);
  }
  return d;
}

inline void EmuFillResult(MqlTradeResult &result, uint retcode, ulong deal, ulong order, double volume, double price) {
  const EmuSymbol &s = Trade().symbol;
  result.retcode = retcode;
  result.deal = deal;
  result.order = order;
  result.volume = volume;
  result.price = price;
  result.bid = s.Bid();
  result.ask = s.Ask();
  result.comment = retcode == TRADE_RETCODE_DONE ? string("Request executed") : retcode == TRADE_RETCODE_DONE_PARTIAL ? string("Request executed partially") : string("Request rejected");
}

inline uint EmuMarketDeal(const MqlTradeRequest &r, MqlTradeResult &result) {
  EmuTerminal &t = Term();
  const EmuSymbol &s = Trade().symbol;
  if (r.type != ORDER_TYPE_BUY && r.type != ORDER_TYPE_SELL) return TRADE_RETCODE_INVALID_ORDER;
  if (!EmuVolumeValid(s, r.volume)) return TRADE_RETCODE_INVALID_VOLUME;
  bool fok = r.type_filling == ORDER_FILLING_FOK && (s.fillingFlags & SYMBOL_FILLING_FOK);
  bool ioc = r.type_filling == ORDER_FILLING_IOC && (s.fillingFlags & SYMBOL_FILLING_IOC);
  if (!fok && !ioc) return TRADE_RETCODE_INVALID_FILL;
  bool buy = r.type == ORDER_TYPE_BUY;
  double price = buy ? s.Ask() : s.Bid();
  ulong closing = 0;
  if (r.position != 0) {
    EmuPosition *p = FindPosition(r.position);
    if (!p) return TRADE_RETCODE_POSITION_CLOSED;
    if (p->symbol != s.name || (p->type == POSITION_TYPE_BUY) == buy) return TRADE_RETCODE_INVALID;
    if (t.marginMode == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING && r.volume > p->volume + 1e-9) return TRADE_RETCODE_INVALID_CLOSE_VOLUME;
    closing = r.position;
  } else if (!EmuStopsValid(s, buy, buy ? s.Bid() : s.Ask(), r.sl, r.tp)) {
    return TRADE_RETCODE_INVALID_STOPS;
  }
  double volume = r.volume;
  uint retcode = TRADE_RETCODE_DONE;
  if (volume > s.liquidity + 1e-9) {
    if (fok) return TRADE_RETCODE_REJECT;
    volume = EmuRoundVolume(std::floor(s.liquidity / s.volumeStep + 1e-9) * s.volumeStep);
    if (volume < s.volumeMin - 1e-9) return TRADE_RETCODE_REJECT;
    retcode = TRADE_RETCODE_DONE_PARTIAL;
  }
  ulong order = Events().nextTicket++;
  EmuDeal d = EmuExecute(order, r.type, volume, price, closing ? 0 : r.sl, closing ? 0 : r.tp, long(r.magic), closing);
  AddHistoryOrder(EmuFilledOrder(order, s.name, r.type, volume, price, d.position_id, long(r.magic)));
  ulong positionTicket = ulong(d.position_id);  // the position's ticket while it exists, else its identifier
  for (const EmuPosition &p : t.positions)
    if (p.identifier == d.position_id) positionTicket = p.ticket;
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, 0, s.name), Tx(TRADE_TRANSACTION_DEAL_ADD, order, d.ticket, positionTicket, s.name),
         Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, positionTicket, s.name),
         Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, positionTicket, s.name), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, s.name)});
  EmuFillResult(result, retcode, d.ticket, order, volume, price);
  return retcode;
}

inline uint EmuSlTp(const MqlTradeRequest &r) {
  const EmuSymbol &s = Trade().symbol;
  EmuPosition *p = nullptr;
  if (r.position != 0) p = FindPosition(r.position);
  else if (Term().marginMode != ACCOUNT_MARGIN_MODE_RETAIL_HEDGING)
    for (EmuPosition &x : Term().positions)
      if (x.symbol == r.symbol.utf8()) p = &x;
  if (!p) return TRADE_RETCODE_POSITION_CLOSED;
  bool buy = p->type == POSITION_TYPE_BUY;
  if (!EmuStopsValid(s, buy, buy ? s.Bid() : s.Ask(), r.sl, r.tp)) return TRADE_RETCODE_INVALID_STOPS;
  if (p->sl == r.sl && p->tp == r.tp) return TRADE_RETCODE_NO_CHANGES;
  p->sl = r.sl;
  p->tp = r.tp;
  p->time_update_msc = EmuNowMsc();
  MqlTradeTransaction changed = Tx(TRADE_TRANSACTION_POSITION, 0, 0, p->ticket, p->symbol);
  changed.price_sl = r.sl;
  changed.price_tp = r.tp;
  Queue({changed, Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, p->symbol)});
  return TRADE_RETCODE_DONE;
}

inline uint EmuPending(const MqlTradeRequest &r, MqlTradeResult &result) {
  const EmuSymbol &s = Trade().symbol;
  if (r.type < ORDER_TYPE_BUY_LIMIT || r.type > ORDER_TYPE_SELL_STOP) return TRADE_RETCODE_INVALID_ORDER;
  if (!EmuVolumeValid(s, r.volume)) return TRADE_RETCODE_INVALID_VOLUME;
  if (!EmuPendingPriceValid(s, r.type, r.price)) return TRADE_RETCODE_INVALID_PRICE;
  if (!EmuStopsValid(s, EmuIsBuy(r.type), r.price, r.sl, r.tp)) return TRADE_RETCODE_INVALID_STOPS;
  EmuOrder o;
  o.ticket = Events().nextTicket++;
  o.symbol = s.name;
  o.type = r.type;
  o.state = ORDER_STATE_PLACED;
  o.type_time = r.type_time;
  o.expiration = r.expiration;
  o.volume_current = o.volume_initial = r.volume;
  o.price_open = r.price;
  o.sl = r.sl;
  o.tp = r.tp;
  o.magic = long(r.magic);
  o.time_setup_msc = EmuNowMsc();
  Term().orders.push_back(o);
  MqlTradeTransaction placed = Tx(TRADE_TRANSACTION_ORDER_UPDATE, o.ticket, 0, 0, s.name);
  placed.order_state = ORDER_STATE_PLACED;
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, o.ticket, 0, 0, s.name), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, s.name), placed});
  EmuFillResult(result, TRADE_RETCODE_DONE, 0, o.ticket, r.volume, r.price);
  return TRADE_RETCODE_DONE;
}

inline uint EmuModifyOrder(const MqlTradeRequest &r) {
  const EmuSymbol &s = Trade().symbol;
  EmuOrder *o = FindOrder(r.order);
  if (!o) return TRADE_RETCODE_INVALID_ORDER;
  if (!EmuPendingPriceValid(s, o->type, r.price)) return TRADE_RETCODE_INVALID_PRICE;
  if (!EmuStopsValid(s, EmuIsBuy(o->type), r.price, r.sl, r.tp)) return TRADE_RETCODE_INVALID_STOPS;
  if (o->price_open == r.price && o->sl == r.sl && o->tp == r.tp && o->type_time == r.type_time && o->expiration == r.expiration)
    return TRADE_RETCODE_NO_CHANGES;
  o->price_open = r.price;
  o->sl = r.sl;
  o->tp = r.tp;
  o->type_time = r.type_time;
  o->expiration = r.expiration;
  Queue({Tx(TRADE_TRANSACTION_ORDER_UPDATE, o->ticket, 0, 0, o->symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, o->symbol)});
  return TRADE_RETCODE_DONE;
}

// Takes a pending order off the open list into history with its final state; a fill also executes it.
inline void EmuEndOrder(ulong ticket, int finalState, double fillPrice) {
  EmuOrder *found = FindOrder(ticket);
  if (!found) return;
  EmuOrder h = *found;
  auto &v = Term().orders;
  v.erase(std::remove_if(v.begin(), v.end(), [&](const EmuOrder &x) { return x.ticket == ticket; }), v.end());
  h.state = finalState;
  std::vector<MqlTradeTransaction> batch{Tx(TRADE_TRANSACTION_ORDER_DELETE, ticket, 0, 0, h.symbol)};
  if (finalState == ORDER_STATE_FILLED) {
    EmuDeal d = EmuExecute(ticket, h.type, h.volume_current, fillPrice, h.sl, h.tp, h.magic, 0);
    h.position_id = d.position_id;
    h.volume_current = 0;
    batch.push_back(Tx(TRADE_TRANSACTION_DEAL_ADD, ticket, d.ticket, ulong(d.position_id), h.symbol));
  }
  AddHistoryOrder(h);
  batch.push_back(Tx(TRADE_TRANSACTION_HISTORY_ADD, ticket, 0, 0, h.symbol));
  if (finalState == ORDER_STATE_CANCELED) batch.push_back(Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, h.symbol));
  Queue(batch);
}

inline uint EmuCloseBy(const MqlTradeRequest &r, MqlTradeResult &result) {
  if (Term().marginMode != ACCOUNT_MARGIN_MODE_RETAIL_HEDGING) return TRADE_RETCODE_INVALID;
  EmuPosition *a = FindPosition(r.position);
  EmuPosition *b = FindPosition(r.position_by);
  if (!a || !b) return TRADE_RETCODE_POSITION_CLOSED;
  if (a->symbol != b->symbol || a->type == b->type) return TRADE_RETCODE_INVALID;
  // Each position is closed by a deal at the other's open price, for the smaller of the two volumes.
  double volume = std::min(a->volume, b->volume);
  ulong ta = a->ticket, tb = b->ticket;
  long ia = a->identifier, ib = b->identifier;
  double pa = a->price_open, pb = b->price_open;
  int da = a->type == POSITION_TYPE_BUY ? DEAL_TYPE_SELL : DEAL_TYPE_BUY;
  int db = b->type == POSITION_TYPE_BUY ? DEAL_TYPE_SELL : DEAL_TYPE_BUY;
  std::string symbol = a->symbol;
  ulong order = Events().nextTicket++;
  EmuDeal dealA = EmuAddDeal(order, ia, da, DEAL_ENTRY_OUT_BY, pb, volume);
  EmuDeal dealB = EmuAddDeal(order, ib, db, DEAL_ENTRY_OUT_BY, pa, volume);
  for (ulong ticket : {ta, tb}) {
    EmuPosition *p = FindPosition(ticket);
    if (p->volume <= volume + 1e-9) EmuRemovePosition(ticket);
    else {
      p->volume = EmuRoundVolume(p->volume - volume);
      p->time_update_msc = EmuNowMsc();
    }
  }
  EmuOrder h = EmuFilledOrder(order, symbol, ORDER_TYPE_CLOSE_BY, volume, pb, ia, long(r.magic));
  AddHistoryOrder(h);
  Queue({Tx(TRADE_TRANSACTION_ORDER_ADD, order, 0, ta, symbol), Tx(TRADE_TRANSACTION_DEAL_ADD, order, dealA.ticket, ta, symbol),
         Tx(TRADE_TRANSACTION_DEAL_ADD, order, dealB.ticket, tb, symbol), Tx(TRADE_TRANSACTION_ORDER_DELETE, order, 0, ta, symbol),
         Tx(TRADE_TRANSACTION_HISTORY_ADD, order, 0, ta, symbol), Tx(TRADE_TRANSACTION_REQUEST, 0, 0, 0, symbol)});
  EmuFillResult(result, TRADE_RETCODE_DONE, dealA.ticket, order, volume, pb);
  return TRADE_RETCODE_DONE;
}

// OrderSend: true when the server executed the request (DONE, DONE_PARTIAL); otherwise false with
// result.retcode saying why and GetLastError() = ERR_TRADE_SEND_FAILED. The EA's OnTradeTransaction sees
// the transactions later, as the terminal delivers them to another program's thread.
inline bool OrderSend(const MqlTradeRequest &request, MqlTradeResult &result) {
  Trade().sent++;
  result = MqlTradeResult();
  EmuTerminal &t = Term();
  const EmuSymbol &s = Trade().symbol;
  uint rc = TRADE_RETCODE_INVALID;
  bool needsSymbol = request.action == TRADE_ACTION_DEAL || request.action == TRADE_ACTION_PENDING;
  if (!t.tradeAllowed) rc = TRADE_RETCODE_CLIENT_DISABLES_AT;
  else if (!t.connected) rc = TRADE_RETCODE_CONNECTION;
  else if (needsSymbol && !EmuFindSymbol(request.symbol)) rc = TRADE_RETCODE_INVALID;
  else if (s.tradeMode == SYMBOL_TRADE_MODE_DISABLED) rc = TRADE_RETCODE_TRADE_DISABLED;
  else if (!s.sessionOpen) rc = TRADE_RETCODE_MARKET_CLOSED;
  else switch (request.action) {
    case TRADE_ACTION_DEAL: rc = EmuMarketDeal(request, result); break;
    case TRADE_ACTION_SLTP: rc = EmuSlTp(request); break;
    case TRADE_ACTION_PENDING: rc = EmuPending(request, result); break;
    case TRADE_ACTION_MODIFY: rc = EmuModifyOrder(request); break;
    case TRADE_ACTION_REMOVE:
      if (FindOrder(request.order)) {
        EmuEndOrder(request.order, ORDER_STATE_CANCELED, 0);
        rc = TRADE_RETCODE_DONE;
      } else {
        rc = TRADE_RETCODE_INVALID_ORDER;
      }
      break;
    case TRADE_ACTION_CLOSE_BY: rc = EmuCloseBy(request, result); break;
  }
  result.retcode = rc;
  if (rc != TRADE_RETCODE_DONE && rc != TRADE_RETCODE_DONE_PARTIAL) {
    result.comment = string("Request rejected");
    result.bid = s.Bid();
    result.ask = s.Ask();
    EmuSetError(ERR_TRADE_SEND_FAILED);
    return false;
  }
  if (result.comment == "") result.comment = string("Request executed");
  return true;
}

// The market moves (every 100 ms) and the server activates pending orders whose price was reached.
inline void EmuMarketTick() {
  EmuTrade &tr = Trade();
  EmuSymbol &s = tr.symbol;
  if (!s.moves || Emu().tickMs < tr.lastMoveMs + 100) return;
  tr.lastMoveMs = Emu().tickMs;
  long phase = tr.step % 20;
  s.offsetPoints = int(phase < 10 ? phase * 4 - 20 : (20 - phase) * 4 - 20) + int(tr.step / 2);
  tr.step++;
  std::vector<ulong> due;
  for (const EmuOrder &o : Term().orders) {
    if (o.symbol != s.name) continue;
    bool hit = (o.type == ORDER_TYPE_BUY_LIMIT && s.Ask() <= o.price_open) || (o.type == ORDER_TYPE_SELL_LIMIT && s.Bid() >= o.price_open) ||
               (o.type == ORDER_TYPE_BUY_STOP && s.Ask() >= o.price_open) || (o.type == ORDER_TYPE_SELL_STOP && s.Bid() <= o.price_open);
    if (hit) due.push_back(o.ticket);
  }
  for (ulong ticket : due) {
    const EmuOrder *o = FindOrder(ticket);
    EmuEndOrder(ticket, ORDER_STATE_FILLED, EmuIsBuy(o->type) ? s.Ask() : s.Bid());
  }
}
