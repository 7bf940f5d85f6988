//+------------------------------------------------------------------+
//| Sync.mqh: what the relay is told. Each timer tick compares every |
//| position and pending order with what was last reported (one      |
//| fingerprint per item) and sends only what changed; trade events  |
//| send at once and update the same record, so an event is never    |
//| followed by a repeat. A vanished item is reported only with      |
//| evidence from history (docs/protocol.md). A full snapshot goes   |
//| out on connect, on resync and every SnapshotSeconds.             |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_SYNC_MQH
#define MASTERSENDER_SYNC_MQH

#include <MasterSender/Session.mqh>
#include <MasterSender/Fingerprint.mqh>

// Deals and history orders can reach the terminal's history after the position or order left the list.
#define EVIDENCE_WAIT_MS 10000
#define EV_POSITION      0
#define EV_ORDER         1
#define EV_MAX           4096

//--- POSITION_IDENTIFIER of the selected position: it survives ticket changes (swap re-open, netting).
ulong SelectedPositionKey()
  {
   long id = PositionGetInteger(POSITION_IDENTIFIER);
   return id != 0 ? (ulong)id : (ulong)PositionGetInteger(POSITION_TICKET);
  }

//+------------------------------------------------------------------+
//| Evidence                                                         |
//+------------------------------------------------------------------+
//--- The deal that closed the position, 0 while history does not show it closed. History shows it
//--- closed when the position's buy and sell deals cancel out and the last of them took volume out
//--- (DEAL_ENTRY_OUT, OUT_BY or INOUT): an earlier partial close alone is never taken for the close.
ulong FindClosingDeal(const ulong identifier)
  {
   if(!HistorySelectByPosition((long)identifier))
      return 0;
   double net = 0;
   ulong closing = 0;
   long closingTime = 0;
   int total = HistoryDealsTotal();
   for(int i = 0; i < total; i++)
     {
      ulong deal = HistoryDealGetTicket(i);
      if(deal == 0 || HistoryDealGetInteger(deal, DEAL_POSITION_ID) != (long)identifier)
         continue;
      long type = HistoryDealGetInteger(deal, DEAL_TYPE);
      if(type != DEAL_TYPE_BUY && type != DEAL_TYPE_SELL)
         continue;
      double volume = HistoryDealGetDouble(deal, DEAL_VOLUME);
      net += type == DEAL_TYPE_BUY ? volume : -volume;
      long entry = HistoryDealGetInteger(deal, DEAL_ENTRY);
      long time = HistoryDealGetInteger(deal, DEAL_TIME_MSC);
      if((entry == DEAL_ENTRY_OUT || entry == DEAL_ENTRY_OUT_BY || entry == DEAL_ENTRY_INOUT)
         && (time > closingTime || (time == closingTime && deal > closing)))
        {
         closing = deal;
         closingTime = time;
        }
     }
   if(closing == 0 || MathAbs(net) > 0.000001)
      return 0;
   return closing;
  }

//--- deal 0: the EA gave up waiting for history (the relay then shows the position as unconfirmed).
bool SendPositionClosed(Session &s, const ulong ticket, const ulong identifier, const double lastVolume, const ulong deal)
  {
   double price = 0;
   long timeMsc = 0;
   double volume = lastVolume;
   if(deal > 0)
     {
      price = HistoryDealGetDouble(deal, DEAL_PRICE);
      timeMsc = HistoryDealGetInteger(deal, DEAL_TIME_MSC);
      if(volume <= 0)
         volume = HistoryDealGetDouble(deal, DEAL_VOLUME);
     }
   string body = "{";
   JsonAdd(body, "ticket", JsonInt((long)ticket));
   JsonAdd(body, "identifier", JsonInt((long)identifier));
   JsonAdd(body, "close_price", JsonNumber(price));
   JsonAdd(body, "deal", JsonInt((long)deal));
   JsonAdd(body, "time_msc", JsonInt(timeMsc));
   JsonAdd(body, "volume", JsonNumber(volume));
   body += "}";
   return SessionSend(s, "position_closed", body, IntegerToString((long)ticket));
  }

//--- The order's final state in history, "" while history has none (yet).
string HistoryRemovalReason(const ulong ticket, long &positionId)
  {
   positionId = 0;
   if(!HistoryOrderSelect(ticket))
      return "";
   string reason = RemovalReason(HistoryOrderGetInteger(ticket, ORDER_STATE));
   if(reason == "unknown")
      return "";
   positionId = HistoryOrderGetInteger(ticket, ORDER_POSITION_ID);
   return reason;
  }

bool SendOrderRemoved(Session &s, const ulong ticket, const string reason, const long positionId)
  {
   string body = "{";
   JsonAdd(body, "ticket", JsonInt((long)ticket));
   JsonAdd(body, "reason", JsonQuote(reason));
   JsonAdd(body, "position_id", JsonInt(positionId));
   body += "}";
   return SessionSend(s, "order_removed", body, reason);
  }

int EvidenceIndex(const Session &s, const int kind, const ulong key)
  {
   int n = ArraySize(s.evKey);
   for(int i = 0; i < n; i++)
      if(s.evKind[i] == kind && s.evKey[i] == key)
         return i;
   return -1;
  }

void EvidenceAdd(Session &s, const int kind, const ulong ticket, const ulong key, const double volume, const ulong now)
  {
   int n = ArraySize(s.evKey);
   if(EvidenceIndex(s, kind, key) >= 0 || n >= EV_MAX)
      return;
   ArrayResize(s.evKind, n + 1);
   ArrayResize(s.evTicket, n + 1);
   ArrayResize(s.evKey, n + 1);
   ArrayResize(s.evVolume, n + 1);
   ArrayResize(s.evSince, n + 1);
   s.evKind[n] = kind;
   s.evTicket[n] = ticket;
   s.evKey[n] = key;
   s.evVolume[n] = volume;
   s.evSince[n] = now;
  }

void EvidenceRemoveAt(Session &s, const int i)
  {
   int last = ArraySize(s.evKey) - 1;
   s.evKind[i] = s.evKind[last];
   s.evTicket[i] = s.evTicket[last];
   s.evKey[i] = s.evKey[last];
   s.evVolume[i] = s.evVolume[last];
   s.evSince[i] = s.evSince[last];
   ArrayResize(s.evKind, last);
   ArrayResize(s.evTicket, last);
   ArrayResize(s.evKey, last);
   ArrayResize(s.evVolume, last);
   ArrayResize(s.evSince, last);
  }

//--- One look at history for one vanished item; true when it is settled (sent, or back in the list).
//--- giveUp: send what is known (deal 0, reason "unknown") instead of waiting longer.
bool EvidenceTry(Session &s, const int kind, const ulong ticket, const ulong key, const double volume,
                 const bool giveUp)
  {
   if(kind == EV_POSITION)
     {
      if(TrackFind(s.positions, key) >= 0)
         return true;
      ulong deal = FindClosingDeal(key);
      if(deal == 0 && !giveUp)
         return false;
      // Not sent (connection lost): kept, and sent on the next session of this account.
      return SendPositionClosed(s, ticket, key, volume, deal);
     }
   if(TrackFind(s.orders, key) >= 0)
      return true;
   long positionId = 0;
   string reason = HistoryRemovalReason(key, positionId);
   if(reason == "" && !giveUp)
      return false;
   return SendOrderRemoved(s, key, reason == "" ? "unknown" : reason, positionId);
  }

//--- Looks at once, and keeps looking for EVIDENCE_WAIT_MS while history lags.
void Vanished(Session &s, const int kind, const ulong ticket, const ulong key, const double volume, const ulong now)
  {
   if(EvidenceIndex(s, kind, key) >= 0)
      return;
   if(!EvidenceTry(s, kind, ticket, key, volume, false))
      EvidenceAdd(s, kind, ticket, key, volume, now);
  }

void ResolveEvidence(Session &s, const ulong now)
  {
   for(int i = ArraySize(s.evKey) - 1; i >= 0; i--)
     {
      bool giveUp = now - s.evSince[i] >= EVIDENCE_WAIT_MS;
      if(EvidenceTry(s, s.evKind[i], s.evTicket[i], s.evKey[i], s.evVolume[i], giveUp))
         EvidenceRemoveAt(s, i);
     }
  }

//+------------------------------------------------------------------+
//| Item messages                                                    |
//+------------------------------------------------------------------+
//--- The selected position, when it differs from what the relay was told.
void ReportSelectedPosition(Session &s, const bool force)
  {
   ulong key = SelectedPositionKey();
   ulong fp = FpPosition();
   int i = TrackFind(s.positions, key);
   if(i >= 0)
      s.positions.marks[i] = s.scanMark;
   if(!force && i >= 0 && s.positions.fps[i] == fp)
      return;
   string body = "{";
   JsonAdd(body, "position", PositionJson());
   body += "}";
   if(SessionSend(s, "position", body, IntegerToString(PositionGetInteger(POSITION_TICKET))))
      TrackPut(s.positions, key, (ulong)PositionGetInteger(POSITION_TICKET), fp,
               PositionGetDouble(POSITION_VOLUME), s.scanMark);
  }

//--- The selected pending order, when it differs from what the relay was told.
void ReportSelectedOrder(Session &s, const bool force)
  {
   ulong ticket = (ulong)OrderGetInteger(ORDER_TICKET);
   ulong fp = FpOrder();
   int i = TrackFind(s.orders, ticket);
   if(i >= 0)
      s.orders.marks[i] = s.scanMark;
   if(!force && i >= 0 && s.orders.fps[i] == fp)
      return;
   string body = "{";
   JsonAdd(body, "order", OrderJson());
   body += "}";
   if(SessionSend(s, "order", body, IntegerToString((long)ticket)))
      TrackPut(s.orders, ticket, ticket, fp, OrderGetDouble(ORDER_VOLUME_CURRENT), s.scanMark);
  }

//--- Transactions are hints of what to re-read; their own fields are not trusted (order not
//--- guaranteed, some may be lost when the terminal's queue overflows). A pending order that left the
//--- list is looked up at once (so a fill's ORDER_DELETED goes before its position's OPEN); a position
//--- that left is found by the next timer tick, which can tell a moved ticket (same identifier) from a close.
void HandleTransaction(Session &s, const MqlTradeTransaction &t, const ulong now)
  {
   if(!s.accepted)
      return;
   if(t.order > 0)
     {
      if(OrderSelect(t.order))
        {
         if(SelectedOrderIsPending())
            ReportSelectedOrder(s, false);
        }
      else
        {
         int i = TrackFind(s.orders, t.order);
         if(i >= 0 && s.settled)
           {
            double volume = s.orders.volumes[i];
            TrackRemoveAt(s.orders, i);
            Vanished(s, EV_ORDER, t.order, t.order, volume, now);
           }
        }
     }
   if(t.position > 0 && s.accepted && PositionSelectByTicket(t.position))
      ReportSelectedPosition(s, false);
  }

//+------------------------------------------------------------------+
//| The timer's scan and the snapshot                                |
//+------------------------------------------------------------------+
//--- Compares every pending order and position with what was reported (orders first: a fill's removal
//--- goes before the position it opened). full: builds the snapshot's
//--- lists instead of sending item messages. Vanished items are looked for only while the terminal
//--- is settled (an unsynchronised list proves nothing).
void ListFlush(string &list, string &chunk, int &inChunk)
  {
   if(chunk != "")
      list += (list == "" ? "" : ",") + chunk;
   chunk = "";
   inChunk = 0;
  }

//--- Appends item to list through a small chunk, so a 500-item list is not copied 500 times while it grows.
void ListAdd(string &list, string &chunk, int &inChunk, const string item)
  {
   chunk += (chunk == "" ? "" : ",") + item;
   if(++inChunk < 32)
      return;
   ListFlush(list, chunk, inChunk);
  }

void Scan(Session &s, const bool full, string &positions, string &orders, const ulong now)
  {
   s.scanMark++;
   string chunk = "";
   int inChunk = 0;
   int total = OrdersTotal();
   for(int j = 0; j < total; j++)
     {
      if(OrderGetTicket(j) == 0 || !SelectedOrderIsPending())
         continue;
      if(!full)
        {
         ReportSelectedOrder(s, false);
         continue;
        }
      ListAdd(orders, chunk, inChunk, OrderJson());
      ulong ticket = (ulong)OrderGetInteger(ORDER_TICKET);
      TrackPut(s.orders, ticket, ticket, FpOrder(), OrderGetDouble(ORDER_VOLUME_CURRENT), s.scanMark);
     }
   ListFlush(orders, chunk, inChunk);
   total = PositionsTotal();
   for(int i = 0; i < total; i++)
     {
      if(PositionGetTicket(i) == 0)
         continue;
      if(!full)
        {
         ReportSelectedPosition(s, false);
         continue;
        }
      ListAdd(positions, chunk, inChunk, PositionJson());
      TrackPut(s.positions, SelectedPositionKey(), (ulong)PositionGetInteger(POSITION_TICKET), FpPosition(),
               PositionGetDouble(POSITION_VOLUME), s.scanMark);
     }
   ListFlush(positions, chunk, inChunk);
   if(!s.settled || !s.accepted)
      return;
   for(int m = TrackCount(s.orders) - 1; m >= 0; m--)
      if(s.orders.marks[m] != s.scanMark)
        {
         ulong gone = s.orders.keys[m];
         double orderVolume = s.orders.volumes[m];
         TrackRemoveAt(s.orders, m);
         Vanished(s, EV_ORDER, gone, gone, orderVolume, now);
        }
   for(int k = TrackCount(s.positions) - 1; k >= 0; k--)
      if(s.positions.marks[k] != s.scanMark)
        {
         ulong key = s.positions.keys[k];
         ulong ticket = s.positions.tickets[k];
         double volume = s.positions.volumes[k];
         TrackRemoveAt(s.positions, k);
         Vanished(s, EV_POSITION, ticket, key, volume, now);
        }
  }

void SendSnapshot(Session &s, const string reason, const ulong now)
  {
   string positions = "";
   string orders = "";
   Scan(s, true, positions, orders, now);
   string body = "{";
   JsonAdd(body, "reason", JsonQuote(reason));
   JsonAdd(body, "server_time", JsonInt((long)TimeTradeServer()));
   JsonAdd(body, "server_time_msc", JsonInt((long)TimeTradeServer() * 1000));
   JsonAdd(body, "connected", JsonBool(TerminalInfoInteger(TERMINAL_CONNECTED) != 0));
   JsonAdd(body, "account", AccountJson());
   JsonAdd(body, "positions", "[" + positions + "]");
   JsonAdd(body, "orders", "[" + orders + "]");
   body += "}";
   if(!SessionSend(s, "snapshot", body, reason))
      return;
   s.lastSnapshotMs = now;
   s.snapshotDue = false;
  }

//--- The relay's lookup: each entry is answered with its state, its evidence, or (history not there
//--- yet) later from the evidence list.
void AnswerLookup(Session &s, const string json, const ulong now)
  {
   string items[];
   JsonGetArray(json, "positions", items);
   for(int i = 0; i < ArraySize(items) && s.accepted; i++)
     {
      long ticket = 0;
      long identifier = 0;
      JsonGetLong(items[i], "ticket", ticket);
      JsonGetLong(items[i], "identifier", identifier);
      ulong key = identifier != 0 ? (ulong)identifier : (ulong)ticket;
      if(key == 0)
         continue;
      int t = TrackFind(s.positions, key);
      if(t >= 0 && PositionSelectByTicket(s.positions.tickets[t]))
         ReportSelectedPosition(s, true);
      else
         if(ticket > 0 && PositionSelectByTicket((ulong)ticket))
            ReportSelectedPosition(s, true);
         else
           {
            double volume = t >= 0 ? s.positions.volumes[t] : 0;
            Vanished(s, EV_POSITION, ticket > 0 ? (ulong)ticket : key, key, volume, now);
           }
     }
   JsonGetArray(json, "orders", items);
   for(int j = 0; j < ArraySize(items) && s.accepted; j++)
     {
      long ticket = StringToInteger(items[j]);
      if(ticket <= 0)
         continue;
      if(OrderSelect((ulong)ticket) && SelectedOrderIsPending())
         ReportSelectedOrder(s, true);
      else
         Vanished(s, EV_ORDER, (ulong)ticket, (ulong)ticket, 0, now);
     }
  }

void Reconcile(Session &s, const ulong now)
  {
   if(!s.accepted)
      return;
   if(s.settled && !s.settledSeen)
     {
      // The terminal (re)synchronised with its trade server while the session was open.
      if(!s.snapshotDue)
        {
         s.snapshotDue = true;
         s.snapshotReason = "resync";
        }
     }
   s.settledSeen = s.settled;
   for(int i = 0; i < ArraySize(s.lookups) && s.accepted; i++)
      AnswerLookup(s, s.lookups[i], now);
   ArrayFree(s.lookups);
   bool connected = TerminalInfoInteger(TERMINAL_CONNECTED) != 0;
   // A snapshot from a terminal that is re-loading its lists after a reconnect would be incomplete.
   bool snapshotAllowed = s.settled || !connected;
   if(snapshotAllowed && (s.snapshotDue || now - s.lastSnapshotMs >= s.snapshotMs))
     {
      SendSnapshot(s, s.snapshotDue ? s.snapshotReason : "periodic", now);
     }
   else
     {
      string none = "";
      Scan(s, false, none, none, now);
     }
   if(s.accepted)
      ResolveEvidence(s, now);
  }

#endif
