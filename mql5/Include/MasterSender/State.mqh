//+------------------------------------------------------------------+
//| State.mqh: the terminal's account, positions and pending orders  |
//| as protocol JSON objects (docs/protocol.md, "Objects").          |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_STATE_MQH
#define MASTERSENDER_STATE_MQH

#include <MasterSender/Json.mqh>

string MarginModeName(const long mode)
  {
   if(mode == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING)
      return "hedging";
   if(mode == ACCOUNT_MARGIN_MODE_EXCHANGE)
      return "exchange";
   return "netting";
  }

string AccountJson()
  {
   string o = "{";
   JsonAdd(o, "login", JsonInt(AccountInfoInteger(ACCOUNT_LOGIN)));
   JsonAdd(o, "server", JsonQuote(AccountInfoString(ACCOUNT_SERVER)));
   JsonAdd(o, "company", JsonQuote(AccountInfoString(ACCOUNT_COMPANY)));
   JsonAdd(o, "currency", JsonQuote(AccountInfoString(ACCOUNT_CURRENCY)));
   JsonAdd(o, "balance", JsonNumber(AccountInfoDouble(ACCOUNT_BALANCE)));
   JsonAdd(o, "equity", JsonNumber(AccountInfoDouble(ACCOUNT_EQUITY)));
   JsonAdd(o, "margin", JsonNumber(AccountInfoDouble(ACCOUNT_MARGIN)));
   JsonAdd(o, "margin_free", JsonNumber(AccountInfoDouble(ACCOUNT_MARGIN_FREE)));
   double margin = AccountInfoDouble(ACCOUNT_MARGIN);
   JsonAdd(o, "margin_level", JsonNumber(margin > 0 ? AccountInfoDouble(ACCOUNT_MARGIN_LEVEL) : 0.0));
   JsonAdd(o, "leverage", JsonInt(AccountInfoInteger(ACCOUNT_LEVERAGE)));
   JsonAdd(o, "margin_mode", JsonQuote(MarginModeName(AccountInfoInteger(ACCOUNT_MARGIN_MODE))));
   return o + "}";
  }

//--- The selected position (PositionSelectByTicket / PositionGetTicket) as a protocol object.
string PositionJson()
  {
   string o = "{";
   JsonAdd(o, "ticket", JsonInt(PositionGetInteger(POSITION_TICKET)));
   JsonAdd(o, "identifier", JsonInt(PositionGetInteger(POSITION_IDENTIFIER)));
   JsonAdd(o, "symbol", JsonQuote(PositionGetString(POSITION_SYMBOL)));
   bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
   JsonAdd(o, "type", JsonQuote(buy ? "BUY" : "SELL"));
   JsonAdd(o, "volume", JsonNumber(PositionGetDouble(POSITION_VOLUME)));
   JsonAdd(o, "price_open", JsonNumber(PositionGetDouble(POSITION_PRICE_OPEN)));
   JsonAdd(o, "sl", JsonNumber(PositionGetDouble(POSITION_SL)));
   JsonAdd(o, "tp", JsonNumber(PositionGetDouble(POSITION_TP)));
   JsonAdd(o, "price_current", JsonNumber(PositionGetDouble(POSITION_PRICE_CURRENT)));
   JsonAdd(o, "profit", JsonNumber(PositionGetDouble(POSITION_PROFIT)));
   JsonAdd(o, "time_msc", JsonInt(PositionGetInteger(POSITION_TIME_MSC)));
   JsonAdd(o, "time_update_msc", JsonInt(PositionGetInteger(POSITION_TIME_UPDATE_MSC)));
   JsonAdd(o, "magic", JsonInt(PositionGetInteger(POSITION_MAGIC)));
   JsonAdd(o, "comment", JsonQuote(PositionGetString(POSITION_COMMENT)));
   return o + "}";
  }

//--- "" for market and close-by orders: the protocol carries pending orders only.
string PendingTypeName(const long type)
  {
   if(type == ORDER_TYPE_BUY_LIMIT)
      return "BUY_LIMIT";
   if(type == ORDER_TYPE_SELL_LIMIT)
      return "SELL_LIMIT";
   if(type == ORDER_TYPE_BUY_STOP)
      return "BUY_STOP";
   if(type == ORDER_TYPE_SELL_STOP)
      return "SELL_STOP";
   if(type == ORDER_TYPE_BUY_STOP_LIMIT)
      return "BUY_STOP_LIMIT";
   if(type == ORDER_TYPE_SELL_STOP_LIMIT)
      return "SELL_STOP_LIMIT";
   return "";
  }

string TypeTimeName(const long t)
  {
   if(t == ORDER_TIME_DAY)
      return "DAY";
   if(t == ORDER_TIME_SPECIFIED)
      return "SPECIFIED";
   if(t == ORDER_TIME_SPECIFIED_DAY)
      return "SPECIFIED_DAY";
   return "GTC";
  }

bool SelectedOrderIsPending()
  {
   return PendingTypeName(OrderGetInteger(ORDER_TYPE)) != "";
  }

//--- The selected order (OrderSelect / OrderGetTicket) as a protocol object.
string OrderJson()
  {
   string o = "{";
   JsonAdd(o, "ticket", JsonInt(OrderGetInteger(ORDER_TICKET)));
   JsonAdd(o, "symbol", JsonQuote(OrderGetString(ORDER_SYMBOL)));
   JsonAdd(o, "type", JsonQuote(PendingTypeName(OrderGetInteger(ORDER_TYPE))));
   JsonAdd(o, "volume", JsonNumber(OrderGetDouble(ORDER_VOLUME_CURRENT)));
   JsonAdd(o, "volume_initial", JsonNumber(OrderGetDouble(ORDER_VOLUME_INITIAL)));
   JsonAdd(o, "price_open", JsonNumber(OrderGetDouble(ORDER_PRICE_OPEN)));
   JsonAdd(o, "price_stoplimit", JsonNumber(OrderGetDouble(ORDER_PRICE_STOPLIMIT)));
   JsonAdd(o, "sl", JsonNumber(OrderGetDouble(ORDER_SL)));
   JsonAdd(o, "tp", JsonNumber(OrderGetDouble(ORDER_TP)));
   JsonAdd(o, "type_time", JsonQuote(TypeTimeName(OrderGetInteger(ORDER_TYPE_TIME))));
   JsonAdd(o, "expiration_msc", JsonInt(OrderGetInteger(ORDER_TIME_EXPIRATION) * 1000));
   JsonAdd(o, "time_setup_msc", JsonInt(OrderGetInteger(ORDER_TIME_SETUP_MSC)));
   JsonAdd(o, "magic", JsonInt(OrderGetInteger(ORDER_MAGIC)));
   JsonAdd(o, "comment", JsonQuote(OrderGetString(ORDER_COMMENT)));
   return o + "}";
  }

//--- ORDER_STATE of an order in history as the protocol's removal reason.
string RemovalReason(const long state)
  {
   if(state == ORDER_STATE_FILLED || state == ORDER_STATE_PARTIAL)
      return "filled";
   if(state == ORDER_STATE_CANCELED)
      return "cancelled";
   if(state == ORDER_STATE_EXPIRED)
      return "expired";
   if(state == ORDER_STATE_REJECTED)
      return "rejected";
   return "unknown";
  }

#endif
