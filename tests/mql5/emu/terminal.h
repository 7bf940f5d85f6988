// The trading side of the terminal: account, terminal info, positions, orders, history and the
// trade-transaction structures, with MQL5's selection model (a Select copies the record; the Get
// functions then read that copy).
#pragma once
#include <algorithm>
#include "runtime.h"
#include "alerts.h"

enum ENUM_ACCOUNT_INFO_INTEGER { ACCOUNT_LOGIN, ACCOUNT_LEVERAGE, ACCOUNT_MARGIN_MODE, ACCOUNT_TRADE_ALLOWED, ACCOUNT_TRADE_MODE };
enum ENUM_ACCOUNT_TRADE_MODE { ACCOUNT_TRADE_MODE_DEMO = 0, ACCOUNT_TRADE_MODE_CONTEST = 1, ACCOUNT_TRADE_MODE_REAL = 2 };
enum ENUM_ACCOUNT_INFO_DOUBLE { ACCOUNT_BALANCE, ACCOUNT_EQUITY, ACCOUNT_MARGIN, ACCOUNT_MARGIN_FREE, ACCOUNT_MARGIN_LEVEL };
enum ENUM_ACCOUNT_INFO_STRING { ACCOUNT_SERVER, ACCOUNT_COMPANY, ACCOUNT_CURRENCY, ACCOUNT_NAME };
enum ENUM_ACCOUNT_MARGIN_MODE {
  ACCOUNT_MARGIN_MODE_RETAIL_NETTING = 0, ACCOUNT_MARGIN_MODE_EXCHANGE = 1, ACCOUNT_MARGIN_MODE_RETAIL_HEDGING = 2
};
enum ENUM_TERMINAL_INFO_INTEGER { TERMINAL_BUILD, TERMINAL_CONNECTED, TERMINAL_TRADE_ALLOWED };
enum ENUM_TERMINAL_INFO_STRING { TERMINAL_PATH, TERMINAL_DATA_PATH, TERMINAL_NAME, TERMINAL_LANGUAGE };

enum ENUM_POSITION_TYPE { POSITION_TYPE_BUY = 0, POSITION_TYPE_SELL = 1 };
enum ENUM_POSITION_PROPERTY_INTEGER {
  POSITION_TICKET, POSITION_IDENTIFIER, POSITION_TYPE, POSITION_TIME_MSC, POSITION_TIME_UPDATE_MSC, POSITION_MAGIC
};
enum ENUM_POSITION_PROPERTY_DOUBLE {
  POSITION_VOLUME, POSITION_PRICE_OPEN, POSITION_SL, POSITION_TP, POSITION_PRICE_CURRENT, POSITION_PROFIT
};
enum ENUM_POSITION_PROPERTY_STRING { POSITION_SYMBOL, POSITION_COMMENT };

enum ENUM_ORDER_TYPE {
  ORDER_TYPE_BUY = 0, ORDER_TYPE_SELL = 1, ORDER_TYPE_BUY_LIMIT = 2, ORDER_TYPE_SELL_LIMIT = 3,
  ORDER_TYPE_BUY_STOP = 4, ORDER_TYPE_SELL_STOP = 5, ORDER_TYPE_BUY_STOP_LIMIT = 6,
  ORDER_TYPE_SELL_STOP_LIMIT = 7, ORDER_TYPE_CLOSE_BY = 8
};
enum ENUM_ORDER_STATE {
  ORDER_STATE_STARTED = 0, ORDER_STATE_PLACED = 1, ORDER_STATE_CANCELED = 2, ORDER_STATE_PARTIAL = 3,
  ORDER_STATE_FILLED = 4, ORDER_STATE_REJECTED = 5, ORDER_STATE_EXPIRED = 6
};
enum ENUM_ORDER_TYPE_FILLING { ORDER_FILLING_FOK = 0, ORDER_FILLING_IOC = 1, ORDER_FILLING_RETURN = 2 };
enum ENUM_ORDER_TYPE_TIME { ORDER_TIME_GTC = 0, ORDER_TIME_DAY = 1, ORDER_TIME_SPECIFIED = 2, ORDER_TIME_SPECIFIED_DAY = 3 };
enum ENUM_ORDER_PROPERTY_INTEGER {
  ORDER_TICKET, ORDER_TYPE, ORDER_STATE, ORDER_TYPE_TIME, ORDER_TIME_EXPIRATION, ORDER_TIME_SETUP_MSC,
  ORDER_MAGIC, ORDER_POSITION_ID
};
enum ENUM_ORDER_PROPERTY_DOUBLE {
  ORDER_VOLUME_CURRENT, ORDER_VOLUME_INITIAL, ORDER_PRICE_OPEN, ORDER_PRICE_STOPLIMIT, ORDER_SL, ORDER_TP
};
enum ENUM_ORDER_PROPERTY_STRING { ORDER_SYMBOL, ORDER_COMMENT };

enum ENUM_DEAL_TYPE { DEAL_TYPE_BUY = 0, DEAL_TYPE_SELL = 1 };
enum ENUM_DEAL_ENTRY { DEAL_ENTRY_IN = 0, DEAL_ENTRY_OUT = 1, DEAL_ENTRY_INOUT = 2, DEAL_ENTRY_OUT_BY = 3 };
enum ENUM_DEAL_PROPERTY_INTEGER { DEAL_ORDER, DEAL_POSITION_ID, DEAL_TIME_MSC, DEAL_TYPE, DEAL_ENTRY };
enum ENUM_DEAL_PROPERTY_DOUBLE { DEAL_PRICE, DEAL_VOLUME, DEAL_PROFIT };

enum ENUM_TRADE_TRANSACTION_TYPE {
  TRADE_TRANSACTION_ORDER_ADD = 0, TRADE_TRANSACTION_ORDER_UPDATE, TRADE_TRANSACTION_ORDER_DELETE,
  TRADE_TRANSACTION_HISTORY_ADD, TRADE_TRANSACTION_HISTORY_UPDATE, TRADE_TRANSACTION_HISTORY_DELETE,
  TRADE_TRANSACTION_DEAL_ADD, TRADE_TRANSACTION_DEAL_UPDATE, TRADE_TRANSACTION_DEAL_DELETE,
  TRADE_TRANSACTION_POSITION, TRADE_TRANSACTION_REQUEST
};
enum ENUM_TRADE_REQUEST_ACTIONS {
  TRADE_ACTION_DEAL = 1, TRADE_ACTION_PENDING = 5, TRADE_ACTION_SLTP = 6, TRADE_ACTION_MODIFY = 7,
  TRADE_ACTION_REMOVE = 8, TRADE_ACTION_CLOSE_BY = 10
};

struct MqlTradeTransaction {
  ulong deal = 0;
  ulong order = 0;
  string symbol;
  ENUM_TRADE_TRANSACTION_TYPE type = TRADE_TRANSACTION_REQUEST;
  ENUM_ORDER_TYPE order_type = ORDER_TYPE_BUY;
  ENUM_ORDER_STATE order_state = ORDER_STATE_STARTED;
  ENUM_DEAL_TYPE deal_type = DEAL_TYPE_BUY;
  ENUM_ORDER_TYPE_TIME time_type = ORDER_TIME_GTC;
  datetime time_expiration = 0;
  double price = 0, price_trigger = 0, price_sl = 0, price_tp = 0, volume = 0;
  ulong position = 0;
  ulong position_by = 0;
};
struct MqlTradeRequest {
  ENUM_TRADE_REQUEST_ACTIONS action = TRADE_ACTION_DEAL;
  ulong magic = 0, order = 0;
  string symbol;
  double volume = 0, price = 0, stoplimit = 0, sl = 0, tp = 0;
  ulong deviation = 0;
  ENUM_ORDER_TYPE type = ORDER_TYPE_BUY;
  ENUM_ORDER_TYPE_FILLING type_filling = ORDER_FILLING_FOK;
  ENUM_ORDER_TYPE_TIME type_time = ORDER_TIME_GTC;
  datetime expiration = 0;
  string comment;
  ulong position = 0, position_by = 0;
};
struct MqlTradeResult {
  uint retcode = 0;
  ulong deal = 0, order = 0;
  double volume = 0, price = 0, bid = 0, ask = 0;
  string comment;
  uint request_id = 0;
  int retcode_external = 0;
};

struct EmuPosition {
  ulong ticket = 0;
  long identifier = 0;
  std::string symbol = "EURUSD";
  int type = POSITION_TYPE_BUY;
  double volume = 0, price_open = 0, sl = 0, tp = 0, price_current = 0, profit = 0;
  long time_msc = 0, time_update_msc = 0, magic = 0;
  std::string comment;
};
struct EmuOrder {
  ulong ticket = 0;
  std::string symbol = "EURUSD";
  int type = ORDER_TYPE_BUY_LIMIT;
  int state = ORDER_STATE_PLACED;
  int type_time = ORDER_TIME_GTC;
  double volume_current = 0, volume_initial = 0, price_open = 0, price_stoplimit = 0, sl = 0, tp = 0;
  datetime expiration = 0;
  long time_setup_msc = 0, magic = 0, position_id = 0;
  std::string comment;
  ulong visibleAtMs = 0;  // history only: the terminal may learn of the final state after the deletion event
};
struct EmuDeal {
  ulong visibleAtMs = 0;  // deals reach the terminal's history after the position left (0-500 ms and more)
  ulong ticket = 0, order = 0;
  long position_id = 0, time_msc = 0;
  int type = DEAL_TYPE_BUY, entry = DEAL_ENTRY_IN;
  double price = 0, volume = 0, profit = 0;
};

struct EmuTerminal {
  long login = 5012345, leverage = 100;
  int marginMode = ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
  double balance = 10000, equity = 10000, margin = 0, marginFree = 10000, marginLevel = 0;
  std::string server = "Demo-Server", company = "Test Broker Ltd", currency = "USD";
  std::string path = "C:\\Program Files\\MetaTrader 5", dataPath = "C:\\Users\\me\\AppData\\Roaming\\MetaQuotes\\Terminal\\D0E8209F77C8CF37AD8BF550E51FF075";
  std::string name = "MetaTrader 5";
  long build = 4755;
  bool connected = true, tradeAllowed = true;
  int tradeMode = ACCOUNT_TRADE_MODE_DEMO;
  std::vector<EmuPosition> positions;
  std::vector<EmuOrder> orders, historyOrders;
  std::vector<EmuDeal> deals;
  EmuPosition selPosition;
  EmuOrder selOrder;
  bool hasSelPosition = false, hasSelOrder = false;
  // Builtin calls that read the trading state (Position*/Order*/History*): the EA's work per tick.
  unsigned long long calls = 0;
};
inline EmuTerminal &Term() {
  static EmuTerminal t;
  return t;
}

inline long AccountInfoInteger(ENUM_ACCOUNT_INFO_INTEGER p) {
  EmuTerminal &t = Term();
  switch (p) {
    case ACCOUNT_LOGIN: return t.login;
    case ACCOUNT_LEVERAGE: return t.leverage;
    case ACCOUNT_MARGIN_MODE: return t.marginMode;
    case ACCOUNT_TRADE_ALLOWED: return 1;
    case ACCOUNT_TRADE_MODE: return t.tradeMode;
  }
  return 0;
}
inline double AccountInfoDouble(ENUM_ACCOUNT_INFO_DOUBLE p) {
  EmuTerminal &t = Term();
  switch (p) {
    case ACCOUNT_BALANCE: return t.balance;
    case ACCOUNT_EQUITY: return t.equity;
    case ACCOUNT_MARGIN: return t.margin;
    case ACCOUNT_MARGIN_FREE: return t.marginFree;
    case ACCOUNT_MARGIN_LEVEL: return t.marginLevel;
  }
  return 0;
}
inline string AccountInfoString(ENUM_ACCOUNT_INFO_STRING p) {
  EmuTerminal &t = Term();
  switch (p) {
    case ACCOUNT_SERVER: return string(t.server.c_str());
    case ACCOUNT_COMPANY: return string(t.company.c_str());
    case ACCOUNT_CURRENCY: return string(t.currency.c_str());
    case ACCOUNT_NAME: return string("Test Account");
  }
  return string();
}
inline long TerminalInfoInteger(ENUM_TERMINAL_INFO_INTEGER p) {
  EmuTerminal &t = Term();
  switch (p) {
    case TERMINAL_BUILD: return t.build;
    case TERMINAL_CONNECTED: return t.connected ? 1 : 0;
    case TERMINAL_TRADE_ALLOWED: return t.tradeAllowed ? 1 : 0;
  }
  return 0;
}
inline string TerminalInfoString(ENUM_TERMINAL_INFO_STRING p) {
  EmuTerminal &t = Term();
  switch (p) {
    case TERMINAL_PATH: return string(t.path.c_str());
    case TERMINAL_DATA_PATH: return string(t.dataPath.c_str());
    case TERMINAL_NAME: return string(t.name.c_str());
    case TERMINAL_LANGUAGE: return string(EmuLanguage().c_str());  // emu/alerts.h
  }
  return string();
}

// ---- positions
inline int PositionsTotal() { Term().calls++; return int(Term().positions.size()); }
inline ulong PositionGetTicket(int index) { Term().calls++;
  EmuTerminal &t = Term();
  if (index < 0 || index >= int(t.positions.size())) {
    t.hasSelPosition = false;
    return 0;
  }
  t.selPosition = t.positions[size_t(index)];
  t.hasSelPosition = true;
  return t.selPosition.ticket;
}
inline bool PositionSelectByTicket(ulong ticket) { Term().calls++;
  EmuTerminal &t = Term();
  for (const EmuPosition &p : t.positions)
    if (p.ticket == ticket) {
      t.selPosition = p;
      t.hasSelPosition = true;
      return true;
    }
  t.hasSelPosition = false;
  return false;
}
inline long PositionGetInteger(ENUM_POSITION_PROPERTY_INTEGER p) { Term().calls++;
  const EmuPosition &x = Term().selPosition;
  switch (p) {
    case POSITION_TICKET: return long(x.ticket);
    case POSITION_IDENTIFIER: return x.identifier;
    case POSITION_TYPE: return x.type;
    case POSITION_TIME_MSC: return x.time_msc;
    case POSITION_TIME_UPDATE_MSC: return x.time_update_msc;
    case POSITION_MAGIC: return x.magic;
  }
  return 0;
}
inline double PositionGetDouble(ENUM_POSITION_PROPERTY_DOUBLE p) { Term().calls++;
  const EmuPosition &x = Term().selPosition;
  switch (p) {
    case POSITION_VOLUME: return x.volume;
    case POSITION_PRICE_OPEN: return x.price_open;
    case POSITION_SL: return x.sl;
    case POSITION_TP: return x.tp;
    case POSITION_PRICE_CURRENT: return x.price_current;
    case POSITION_PROFIT: return x.profit;
  }
  return 0;
}
inline string PositionGetString(ENUM_POSITION_PROPERTY_STRING p) { Term().calls++;
  const EmuPosition &x = Term().selPosition;
  return string((p == POSITION_SYMBOL ? x.symbol : x.comment).c_str());
}

// ---- orders (active and history share the property getters' shape)
inline long EmuOrderInteger(const EmuOrder &x, ENUM_ORDER_PROPERTY_INTEGER p) {
  switch (p) {
    case ORDER_TICKET: return long(x.ticket);
    case ORDER_TYPE: return x.type;
    case ORDER_STATE: return x.state;
    case ORDER_TYPE_TIME: return x.type_time;
    case ORDER_TIME_EXPIRATION: return x.expiration;
    case ORDER_TIME_SETUP_MSC: return x.time_setup_msc;
    case ORDER_MAGIC: return x.magic;
    case ORDER_POSITION_ID: return x.position_id;
  }
  return 0;
}
inline int OrdersTotal() { Term().calls++; return int(Term().orders.size()); }
inline ulong OrderGetTicket(int index) { Term().calls++;
  EmuTerminal &t = Term();
  if (index < 0 || index >= int(t.orders.size())) {
    t.hasSelOrder = false;
    return 0;
  }
  t.selOrder = t.orders[size_t(index)];
  t.hasSelOrder = true;
  return t.selOrder.ticket;
}
inline bool OrderSelect(ulong ticket) { Term().calls++;
  EmuTerminal &t = Term();
  for (const EmuOrder &o : t.orders)
    if (o.ticket == ticket) {
      t.selOrder = o;
      t.hasSelOrder = true;
      return true;
    }
  t.hasSelOrder = false;
  return false;
}
inline long OrderGetInteger(ENUM_ORDER_PROPERTY_INTEGER p) { Term().calls++; return EmuOrderInteger(Term().selOrder, p); }
inline double OrderGetDouble(ENUM_ORDER_PROPERTY_DOUBLE p) { Term().calls++;
  const EmuOrder &x = Term().selOrder;
  switch (p) {
    case ORDER_VOLUME_CURRENT: return x.volume_current;
    case ORDER_VOLUME_INITIAL: return x.volume_initial;
    case ORDER_PRICE_OPEN: return x.price_open;
    case ORDER_PRICE_STOPLIMIT: return x.price_stoplimit;
    case ORDER_SL: return x.sl;
    case ORDER_TP: return x.tp;
  }
  return 0;
}
inline string OrderGetString(ENUM_ORDER_PROPERTY_STRING p) { Term().calls++;
  const EmuOrder &x = Term().selOrder;
  return string((p == ORDER_SYMBOL ? x.symbol : x.comment).c_str());
}

// ---- history: HistoryOrderSelect/HistoryDealSelect put one record in the program's history cache
inline const EmuOrder *EmuHistoryOrder(ulong ticket) {
  for (const EmuOrder &o : Term().historyOrders)
    if (o.ticket == ticket && Emu().tickMs >= o.visibleAtMs) return &o;
  return nullptr;
}
inline const EmuDeal *EmuDealByTicket(ulong ticket) {
  for (const EmuDeal &d : Term().deals)
    if (d.ticket == ticket && Emu().tickMs >= d.visibleAtMs) return &d;
  return nullptr;
}
inline bool HistoryOrderSelect(ulong ticket) { Term().calls++; return EmuHistoryOrder(ticket) != nullptr; }
inline long HistoryOrderGetInteger(ulong ticket, ENUM_ORDER_PROPERTY_INTEGER p) {
  const EmuOrder *o = EmuHistoryOrder(ticket);
  return o ? EmuOrderInteger(*o, p) : 0;
}
inline bool HistoryDealSelect(ulong ticket) { Term().calls++; return EmuDealByTicket(ticket) != nullptr; }

// HistorySelectByPosition(position_id) takes the position IDENTIFIER, not its ticket
// (https://www.mql5.com/en/docs/trading/historyselectbyposition) and fills the program's history list with
// the position's deals that have reached the terminal; HistoryDealsTotal/HistoryDealGetTicket read that list.
// A deal can reach history after the position left PositionsTotal() (EmuDeal::visibleAtMs).
inline std::vector<ulong> &EmuSelectedDeals() {
  static std::vector<ulong> v;
  return v;
}
inline bool HistorySelectByPosition(long position_id) { Term().calls++;
  EmuSelectedDeals().clear();
  for (const EmuDeal &d : Term().deals)
    if (d.position_id == position_id && Emu().tickMs >= d.visibleAtMs) EmuSelectedDeals().push_back(d.ticket);
  return true;
}
inline int HistoryDealsTotal() { return int(EmuSelectedDeals().size()); }
inline ulong HistoryDealGetTicket(int index) {
  if (index < 0 || index >= int(EmuSelectedDeals().size())) return 0;
  return EmuSelectedDeals()[size_t(index)];
}
inline long HistoryDealGetInteger(ulong ticket, ENUM_DEAL_PROPERTY_INTEGER p) {
  const EmuDeal *d = EmuDealByTicket(ticket);
  if (!d) return 0;
  switch (p) {
    case DEAL_ORDER: return long(d->order);
    case DEAL_POSITION_ID: return d->position_id;
    case DEAL_TIME_MSC: return d->time_msc;
    case DEAL_TYPE: return d->type;
    case DEAL_ENTRY: return d->entry;
  }
  return 0;
}
inline double HistoryDealGetDouble(ulong ticket, ENUM_DEAL_PROPERTY_DOUBLE p) {
  const EmuDeal *d = EmuDealByTicket(ticket);
  if (!d) return 0;
  switch (p) {
    case DEAL_PRICE: return d->price;
    case DEAL_VOLUME: return d->volume;
    case DEAL_PROFIT: return d->profit;
  }
  return 0;
}
