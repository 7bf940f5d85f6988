//+------------------------------------------------------------------+
//| MasterSenderCheck.mq5: a one-minute acceptance check on a DEMO   |
//| account. It makes every kind of trade on its chart's symbol with |
//| OrderSend and asks the relay (WebRequest, /api/check/signals)    |
//| which signal each produced. See mql5/README.md.                  |
//+------------------------------------------------------------------+
#property copyright "MasterSender"
#property version   "0.10"
#property description "Trades on a DEMO account and checks that the MasterSender relay derived the right signal from each trade."
#property description "Add http://127.0.0.1:47801 to Tools > Options > Expert Advisors > Allow WebRequest for listed URL."
#property script_show_inputs

#include <MasterSender/CheckTable.mqh>

input string CheckRelayUrl   = "http://127.0.0.1:47801"; // Relay status page (Status:Port)
input int    CheckDeadlineMs = 5000;                     // Wait for each signal at most, ms
input int    CheckFillWaitMs = 15000;                    // Wait for the near pending order to fill, ms
input long   CheckMagic      = 16016016;                 // Magic number of the check's trades

CheckState g_check;
string     g_checkSymbol = "";
double     g_checkMin = 0;
double     g_checkStep = 0;
bool       g_checkHedging = true;

double CheckBid() { return SymbolInfoDouble(g_checkSymbol, SYMBOL_BID); }
double CheckAsk() { return SymbolInfoDouble(g_checkSymbol, SYMBOL_ASK); }
double CheckPrice(const double p) { return NormalizeDouble(p, g_check.digits); }

//--- SL/TP and pending distances: well clear of the stops level, the spread and a minute's moves.
double CheckGap()
  {
   double points = MathMax((double)SymbolInfoInteger(g_checkSymbol, SYMBOL_TRADE_STOPS_LEVEL),
                           (double)SymbolInfoInteger(g_checkSymbol, SYMBOL_SPREAD)) + 300;
   return points * g_check.point;
  }

ENUM_ORDER_TYPE_FILLING CheckFilling()
  {
   long modes = SymbolInfoInteger(g_checkSymbol, SYMBOL_FILLING_MODE);
   if((modes & SYMBOL_FILLING_FOK) != 0)
      return ORDER_FILLING_FOK;
   if((modes & SYMBOL_FILLING_IOC) != 0)
      return ORDER_FILLING_IOC;
   return ORDER_FILLING_RETURN;
  }

void CheckRequest(MqlTradeRequest &r, const ENUM_TRADE_REQUEST_ACTIONS action)
  {
   r.action = action;
   r.magic = (ulong)CheckMagic;
   r.symbol = g_checkSymbol;
   r.deviation = 20;
   r.type_filling = CheckFilling();
   r.type_time = ORDER_TIME_GTC;
   r.comment = "MasterSenderCheck";
  }

//--- Sends; on a refusal adds a FAIL row with the retcode and returns false.
bool CheckSend(MqlTradeRequest &r, MqlTradeResult &res, const string step)
  {
   ResetLastError();
   bool sent = OrderSend(r, res);
   if(sent && (res.retcode == TRADE_RETCODE_DONE || res.retcode == TRADE_RETCODE_DONE_PARTIAL || res.retcode == TRADE_RETCODE_PLACED))
      return true;
   CheckRow(g_check, step, "trade server accepts the request", "OrderSend retcode " + IntegerToString((long)res.retcode) + " (" +
            res.comment + "), error " + IntegerToString(GetLastError()), "-", "FAIL");
   return false;
  }

//--- The position the market order `order` opened or changed (netting: the symbol's position).
ulong CheckPositionOf(const ulong order)
  {
   ulong deadline = GetTickCount64() + 2000;
   while(GetTickCount64() < deadline && !IsStopped())
     {
      if(!g_checkHedging)
        {
         if(PositionSelect(g_checkSymbol))
            return (ulong)PositionGetInteger(POSITION_TICKET);
        }
      else
         for(int i = 0; i < PositionsTotal(); i++)
           {
            ulong ticket = PositionGetTicket(i);
            if(ticket == order || PositionGetInteger(POSITION_IDENTIFIER) == (long)order)
               return ticket;
           }
      Sleep(10);
     }
   return 0;
  }

//--- The key the relay gives a position's signals: POSITION_IDENTIFIER, which a netting reversal or a swap re-open
//--- keeps while the ticket changes (mql5.com/en/docs/constants/tradingconstants/positionproperties).
long CheckPositionKey(const ulong ticket)
  {
   if(ticket == 0 || !PositionSelectByTicket(ticket))
      return (long)ticket;
   long identifier = PositionGetInteger(POSITION_IDENTIFIER);
   return identifier != 0 ? identifier : (long)ticket;
  }

//--- A market deal; position != 0 closes (part of) that position. Returns the trade result time.
bool CheckMarket(const string step, const ENUM_ORDER_TYPE type, const double volume, const ulong position, MqlTradeResult &res)
  {
   MqlTradeRequest r = {};
   CheckRequest(r, TRADE_ACTION_DEAL);
   r.type = type;
   r.volume = volume;
   r.position = position;
   r.price = type == ORDER_TYPE_BUY ? CheckAsk() : CheckBid();
   return CheckSend(r, res, step);
  }

void CheckOne(const string step, const string action, const long ticket, const double volume, const ulong t0)
  {
   CheckExpect e[];
   ArrayResize(e, 1);
   CheckExpectInit(e[0], action, ticket, volume);
   CheckVerify(g_check, step, e, t0);
  }

//--- Opens a position and checks its OPEN; returns its ticket (0 on failure).
ulong CheckOpen(const string step, const ENUM_ORDER_TYPE type, const double volume)
  {
   MqlTradeResult res = {};
   if(!CheckMarket(step, type, volume, 0, res))
      return 0;
   ulong t0 = GetMicrosecondCount();
   ulong ticket = CheckPositionOf(res.order);
   if(ticket == 0)
     {
      CheckRow(g_check, step, "a position", "no position for order #" + IntegerToString((long)res.order), "-", "FAIL");
      return 0;
     }
   CheckTrack(g_check, (long)ticket);
   CheckOne(step, "OPEN", (long)ticket, res.volume, t0);
   return ticket;
  }

bool CheckSetStops(const string step, const ulong ticket, const double sl, const double tp)
  {
   MqlTradeRequest r = {};
   MqlTradeResult res = {};
   CheckRequest(r, TRADE_ACTION_SLTP);
   r.position = ticket;
   r.sl = CheckPrice(sl);
   r.tp = CheckPrice(tp);
   if(!CheckSend(r, res, step))
      return false;
   ulong t0 = GetMicrosecondCount();
   if(!PositionSelectByTicket(ticket))
      return false;
   CheckExpect e[];
   ArrayResize(e, 1);
   CheckExpectInit(e[0], "MODIFY", (long)ticket, PositionGetDouble(POSITION_VOLUME));
   e[0].checkStops = true;
   e[0].sl = r.sl;
   e[0].tp = r.tp;
   return CheckVerify(g_check, step, e, t0);
  }

//--- Closes volume of the position (all of it when volume is its volume): PARTIAL_CLOSE or CLOSE.
bool CheckClose(const string step, const ulong ticket, const double volume)
  {
   if(!PositionSelectByTicket(ticket))
     {
      CheckRow(g_check, step, "position #" + IntegerToString((long)ticket), "it is gone", "-", "FAIL");
      return false;
     }
   double before = PositionGetDouble(POSITION_VOLUME);
   // The relay names a position by its identifier (docs/protocol.md), which outlives a ticket change.
   long key = CheckPositionKey(ticket);
   ENUM_ORDER_TYPE type = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
   MqlTradeResult res = {};
   if(!CheckMarket(step, type, volume, ticket, res))
      return false;
   ulong t0 = GetMicrosecondCount();
   double left = NormalizeDouble(before - res.volume, 8);
   if(left > 1e-9)
      CheckOne(step, "PARTIAL_CLOSE", key, left, t0);
   else
      CheckOne(step, "CLOSE", key, before, t0);
   return true;
  }

//--- Places a pending order and checks ORDER_PLACED; returns its ticket (0 on failure).
ulong CheckPlace(const string step, const ENUM_ORDER_TYPE type, const double price)
  {
   MqlTradeRequest r = {};
   MqlTradeResult res = {};
   CheckRequest(r, TRADE_ACTION_PENDING);
   r.type = type;
   r.volume = g_checkMin;
   r.price = CheckPrice(price);
   r.type_filling = ORDER_FILLING_RETURN;
   if(!CheckSend(r, res, step))
      return 0;
   ulong t0 = GetMicrosecondCount();
   CheckTrack(g_check, (long)res.order);
   CheckExpect e[];
   ArrayResize(e, 1);
   CheckExpectInit(e[0], "ORDER_PLACED", (long)res.order, g_checkMin);
   e[0].checkPrice = true;
   e[0].price = r.price;
   CheckVerify(g_check, step, e, t0);
   return res.order;
  }

void CheckPendingSteps()
  {
   double gap = CheckGap();
   ulong order = CheckPlace("pending: place", ORDER_TYPE_BUY_LIMIT, CheckBid() - 2 * gap);
   if(order == 0)
      return;
   MqlTradeRequest r = {};
   MqlTradeResult res = {};
   CheckRequest(r, TRADE_ACTION_MODIFY);
   r.order = order;
   r.price = CheckPrice(CheckBid() - 3 * gap);
   r.type_filling = ORDER_FILLING_RETURN;
   if(CheckSend(r, res, "pending: modify"))
     {
      ulong t0 = GetMicrosecondCount();
      CheckExpect e[];
      ArrayResize(e, 1);
      CheckExpectInit(e[0], "ORDER_MODIFIED", (long)order, g_checkMin);
      e[0].checkPrice = true;
      e[0].price = r.price;
      CheckVerify(g_check, "pending: modify", e, t0);
     }
   MqlTradeRequest d = {};
   CheckRequest(d, TRADE_ACTION_REMOVE);
   d.order = order;
   if(CheckSend(d, res, "pending: delete"))
     {
      ulong t0 = GetMicrosecondCount();
      CheckExpect e[];
      ArrayResize(e, 1);
      CheckExpectInit(e[0], "ORDER_DELETED", (long)order, g_checkMin);
      e[0].reason = "cancelled";
      CheckVerify(g_check, "pending: delete", e, t0);
     }
  }

//--- A buy stop just above the ask, placed and then waited for: on a live quote it may fill at once, so the
//--- placement and the fill are checked together (ORDER_PLACED, ORDER_DELETED filled, OPEN). Not filled in
//--- time: the placement is checked, the order deleted, and the fill skipped with the reason.
void CheckFillStep()
  {
   double stops = (double)SymbolInfoInteger(g_checkSymbol, SYMBOL_TRADE_STOPS_LEVEL);
   MqlTradeRequest r = {};
   MqlTradeResult res = {};
   CheckRequest(r, TRADE_ACTION_PENDING);
   r.type = ORDER_TYPE_BUY_STOP;
   r.volume = g_checkMin;
   r.price = CheckPrice(CheckAsk() + (MathMax(stops, 0) + 5) * g_check.point);
   r.type_filling = ORDER_FILLING_RETURN;
   if(!CheckSend(r, res, "pending near price"))
      return;
   ulong t0 = GetMicrosecondCount();
   ulong order = res.order;
   CheckTrack(g_check, (long)order);
   ulong deadline = GetTickCount64() + (ulong)CheckFillWaitMs;
   bool open = true;
   while(open && GetTickCount64() < deadline && !IsStopped())
     {
      open = OrderSelect(order);
      if(open)
         Sleep(10);
     }
   CheckExpect e[];
   if(open)
     {
      ArrayResize(e, 1);
      CheckExpectInit(e[0], "ORDER_PLACED", (long)order, g_checkMin);
      e[0].checkPrice = true;
      e[0].price = r.price;
      CheckVerify(g_check, "pending near price", e, t0);
      MqlTradeRequest d = {};
      CheckRequest(d, TRADE_ACTION_REMOVE);
      d.order = order;
      if(CheckSend(d, res, "pending near: delete"))
        {
         ulong t1 = GetMicrosecondCount();
         CheckExpectInit(e[0], "ORDER_DELETED", (long)order, g_checkMin);
         e[0].reason = "cancelled";
         CheckVerify(g_check, "pending near: delete", e, t1);
        }
      CheckRow(g_check, "pending near: filled", "ORDER_DELETED filled + OPEN", "the price did not reach " +
               DoubleToString(r.price, g_check.digits) + " within " + IntegerToString(CheckFillWaitMs) + " ms", "-", "SKIP");
      return;
     }
   ulong filledAt = GetMicrosecondCount();  // the row's time runs from the fill, not from the wait before it
   ulong ticket = CheckPositionOf(order);
   if(ticket == 0)
     {
      CheckRow(g_check, "pending near: filled", "a position from order #" + IntegerToString((long)order),
               "the order left without a position (rejected or cancelled by the server?)", "-", "FAIL");
      return;
     }
   CheckTrack(g_check, (long)ticket);
   ArrayResize(e, 3);
   CheckExpectInit(e[0], "ORDER_PLACED", (long)order, g_checkMin);
   e[0].checkPrice = true;
   e[0].price = r.price;
   CheckExpectInit(e[1], "ORDER_DELETED", (long)order, g_checkMin);
   e[1].reason = "filled";
   CheckExpectInit(e[2], "OPEN", (long)ticket, g_checkMin);
   CheckVerify(g_check, "pending near: filled", e, filledAt);
   CheckClose("close filled position", ticket, g_checkMin);
  }

void CheckNettingSteps()
  {
   ulong ticket = CheckOpen("netting: open", ORDER_TYPE_BUY, g_checkMin);
   if(ticket == 0)
      return;
   MqlTradeResult res = {};
   if(CheckMarket("netting: increase", ORDER_TYPE_BUY, g_checkMin, 0, res))
      CheckOne("netting: increase", "INCREASE", (long)ticket, NormalizeDouble(2 * g_checkMin, 8), GetMicrosecondCount());
   if(!PositionSelectByTicket(ticket))
      return;
   double before = PositionGetDouble(POSITION_VOLUME);
   double reverse = NormalizeDouble(before + g_checkMin, 8);
   if(!CheckMarket("netting: reversal", ORDER_TYPE_SELL, reverse, 0, res))
      return;
   ulong t0 = GetMicrosecondCount();
   ulong turned = CheckPositionOf(res.order);
   // A reversal is a CLOSE and an OPEN for followers, both under the position's identifier, which it keeps.
   long key = CheckPositionKey(turned);
   CheckTrack(g_check, key);
   CheckExpect e[];
   ArrayResize(e, 2);
   CheckExpectInit(e[0], "CLOSE", (long)ticket, before);
   CheckExpectInit(e[1], "OPEN", key, NormalizeDouble(reverse - before, 8));
   CheckVerify(g_check, "netting: reversal", e, t0);
   if(turned != 0)
      CheckClose("netting: close", turned, NormalizeDouble(reverse - before, 8));
  }

void CheckCloseBySteps()
  {
   ulong buy = CheckOpen("close-by: open buy", ORDER_TYPE_BUY, g_checkMin);
   ulong sell = CheckOpen("close-by: open sell", ORDER_TYPE_SELL, g_checkMin);
   if(buy == 0 || sell == 0)
      return;
   MqlTradeRequest r = {};
   MqlTradeResult res = {};
   CheckRequest(r, TRADE_ACTION_CLOSE_BY);
   r.position = buy;
   r.position_by = sell;
   if(!CheckSend(r, res, "close-by"))
      return;
   ulong t0 = GetMicrosecondCount();
   CheckExpect e[];
   ArrayResize(e, 2);
   CheckExpectInit(e[0], "CLOSE", (long)buy, g_checkMin);
   CheckExpectInit(e[1], "CLOSE", (long)sell, g_checkMin);
   CheckVerify(g_check, "close-by", e, t0);
  }

void CheckTradeSteps()
  {
   double volume = g_checkMin;
   bool partial = NormalizeDouble(2 * g_checkMin, 8) <= SymbolInfoDouble(g_checkSymbol, SYMBOL_VOLUME_MAX);
   if(partial)
      volume = NormalizeDouble(2 * g_checkMin, 8);
   ulong ticket = CheckOpen("open", ORDER_TYPE_BUY, volume);
   if(ticket != 0)
     {
      double gap = CheckGap();
      if(CheckSetStops("set SL and TP", ticket, CheckBid() - gap, CheckBid() + gap) && PositionSelectByTicket(ticket))
         CheckSetStops("move SL", ticket, PositionGetDouble(POSITION_SL) + gap / 2, PositionGetDouble(POSITION_TP));
      double held = PositionSelectByTicket(ticket) ? PositionGetDouble(POSITION_VOLUME) : 0;
      if(!partial)
         CheckRow(g_check, "partial close", "PARTIAL_CLOSE", "2 x minimum volume is above the symbol's maximum", "-", "SKIP");
      else
         if(held < 2 * g_checkMin - g_checkStep / 2)
            CheckRow(g_check, "partial close", "PARTIAL_CLOSE", "the open was filled only in part (" + CheckVolumeText(held) +
                     "), too little to close a part of", "-", "SKIP");
         else
            CheckClose("partial close", ticket, g_checkMin);
      if(PositionSelectByTicket(ticket))
         CheckClose("close", ticket, PositionGetDouble(POSITION_VOLUME));
     }
   if(g_checkHedging)
      CheckRow(g_check, "netting: increase etc.", "INCREASE, reversal", "hedging account: netting steps do not apply", "-", "SKIP");
   else
      CheckNettingSteps();
   CheckPendingSteps();
   CheckFillStep();
   if(g_checkHedging)
      CheckCloseBySteps();
   else
      CheckRow(g_check, "close-by", "CLOSE + CLOSE", "netting account: close-by needs hedging", "-", "SKIP");
  }

//--- Closes every position and deletes every order with the check's magic number, whatever happened.
void CheckCleanup()
  {
   for(int attempt = 0; attempt < 3; attempt++)
     {
      int left = 0;
      for(int i = PositionsTotal() - 1; i >= 0; i--)
        {
         ulong ticket = PositionGetTicket(i);
         if(ticket == 0 || PositionGetInteger(POSITION_MAGIC) != CheckMagic)
            continue;
         left++;
         MqlTradeResult res = {};
         ENUM_ORDER_TYPE type = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
         MqlTradeRequest r = {};
         CheckRequest(r, TRADE_ACTION_DEAL);
         r.type = type;
         r.volume = PositionGetDouble(POSITION_VOLUME);
         r.position = ticket;
         r.price = type == ORDER_TYPE_BUY ? CheckAsk() : CheckBid();
         if(!OrderSend(r, res))
            Print("MasterSenderCheck cleanup: closing position #", ticket, " failed, retcode ", res.retcode);
        }
      for(int j = OrdersTotal() - 1; j >= 0; j--)
        {
         ulong order = OrderGetTicket(j);
         if(order == 0 || OrderGetInteger(ORDER_MAGIC) != CheckMagic)
            continue;
         left++;
         MqlTradeResult res = {};
         MqlTradeRequest r = {};
         CheckRequest(r, TRADE_ACTION_REMOVE);
         r.order = order;
         if(!OrderSend(r, res))
            Print("MasterSenderCheck cleanup: deleting order #", order, " failed, retcode ", res.retcode);
        }
      if(left == 0)
        {
         Print("MasterSenderCheck cleanup: no position or order of the check is left open");
         return;
        }
      Print("MasterSenderCheck cleanup: ", left, " position(s)/order(s) of the check closed or deleted");
      Sleep(500);
     }
   Print("MasterSenderCheck cleanup: some trades with magic ", IntegerToString(CheckMagic), " are still open: close them by hand");
  }

//--- "" when the check may trade here, else why not.
string CheckRefusal()
  {
   if(AccountInfoInteger(ACCOUNT_TRADE_MODE) != ACCOUNT_TRADE_MODE_DEMO)
      return "this is not a demo account (ACCOUNT_TRADE_MODE " + IntegerToString(AccountInfoInteger(ACCOUNT_TRADE_MODE)) +
             "): the check opens and closes real trades, so it runs on a demo account only";
   if(TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) == 0)
      return "Algo Trading is off: switch it on in the toolbar (and allow Algo Trading in the script's Common tab)";
   if(SymbolInfoInteger(g_checkSymbol, SYMBOL_TRADE_MODE) != SYMBOL_TRADE_MODE_FULL)
      return g_checkSymbol + " is not fully tradable now (SYMBOL_TRADE_MODE " +
             IntegerToString(SymbolInfoInteger(g_checkSymbol, SYMBOL_TRADE_MODE)) + "): use a chart of a symbol that is";
   MqlDateTime now;
   TimeToStruct(TimeTradeServer(), now);
   datetime from = 0;
   datetime to = 0;
   int secondOfDay = now.hour * 3600 + now.min * 60 + now.sec;
   bool open = false;
   // Session bounds are times of day in seconds; a session to midnight ends at 86400.
   for(uint i = 0; i < 10 && SymbolInfoSessionTrade(g_checkSymbol, (ENUM_DAY_OF_WEEK)now.day_of_week, i, from, to); i++)
      if(secondOfDay >= (int)from && secondOfDay < (int)to)
         open = true;
   if(!open)
      return "the market for " + g_checkSymbol + " is closed now (no trade session at this server time): run the check when it is open";
   if(g_checkMin <= 0 || g_checkStep <= 0)
      return "the broker reports no minimum volume or volume step for " + g_checkSymbol;
   if(!g_checkHedging && PositionSelect(g_checkSymbol))
      return "this netting account already has a " + g_checkSymbol + " position, which the check's trades would change: run it on another symbol's chart";
   return "";
  }

void OnStart()
  {
   g_checkSymbol = Symbol();
   g_checkMin = SymbolInfoDouble(g_checkSymbol, SYMBOL_VOLUME_MIN);
   g_checkStep = SymbolInfoDouble(g_checkSymbol, SYMBOL_VOLUME_STEP);
   g_checkHedging = AccountInfoInteger(ACCOUNT_MARGIN_MODE) == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
   g_check.origin = CheckRelayUrl;
   g_check.deadlineMs = CheckDeadlineMs;
   g_check.point = SymbolInfoDouble(g_checkSymbol, SYMBOL_POINT);
   g_check.digits = (int)SymbolInfoInteger(g_checkSymbol, SYMBOL_DIGITS);
   g_check.passed = 0;
   g_check.failed = 0;
   g_check.skipped = 0;
   string refusal = CheckRefusal();
   if(refusal != "")
     {
      Print("MasterSenderCheck refused: ", refusal, ". Nothing was traded.");
      Comment("MasterSenderCheck refused:\n" + refusal + ".\nNothing was traded.");
      return;
     }
   Print("MasterSenderCheck on ", g_checkSymbol, ", ", (g_checkHedging ? "hedging" : "netting"), " account ",
         AccountInfoInteger(ACCOUNT_LOGIN), ", minimum volume ", DoubleToString(g_checkMin, 2), ", relay ", g_check.origin);
   CheckSignal none[];
   string error = "";
   long nowMs = 0;
   // Asked about the future, the relay lists nothing and says what time it is: the check's signals are those
   // created from then on, by the relay's own clock.
   bool reachable = CheckFetchSignals(g_check.origin, ((long)TimeGMT() + 86400) * 1000, none, nowMs, error) &&
                    CheckRelaySeesTerminal(g_check.origin, AccountInfoInteger(ACCOUNT_LOGIN), error);
   if(!reachable)
      CheckRow(g_check, "relay and EA ready", "relay answers, EA connected", error + ". Nothing was traded", "-", "FAIL");
   else
     {
      g_check.sinceMs = nowMs;
      CheckRow(g_check, "relay and EA ready", "relay answers, EA connected", "yes", "-", "PASS");
      CheckTradeSteps();
      CheckCleanup();
     }
   int total = g_check.passed + g_check.failed;
   string last = IntegerToString(g_check.passed) + " of " + IntegerToString(total) + " passed" +
                 (g_check.skipped > 0 ? " (" + IntegerToString(g_check.skipped) + " skipped)" : "");
   Print("MasterSenderCheck ", last);
   string chart = "MasterSenderCheck: " + last + "\n";
   for(int i = 0; i < ArraySize(g_check.rows); i++)
      chart += g_check.rows[i] + "\n";
   Comment(chart);
  }
//+------------------------------------------------------------------+
