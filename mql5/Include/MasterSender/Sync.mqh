//+------------------------------------------------------------------+
//| Sync.mqh: what the relay is told. Trade events send the current  |
//| state of what they touched; the timer sends a full snapshot when |
//| the fingerprint moved, when asked, and every SnapshotSeconds.    |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_SYNC_MQH
#define MASTERSENDER_SYNC_MQH

#include <MasterSender/Session.mqh>
#include <MasterSender/Fingerprint.mqh>

// A deleted order's history record may arrive a little after the deletion event.
#define REMOVAL_GRACE_MS 1000

//--- The last deal that took volume out of the position, 0 when history has none (yet).
ulong FindClosingDeal(const ulong position)
  {
   if(!HistorySelectByPosition((long)position))
      return 0;
   for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
     {
      ulong deal = HistoryDealGetTicket(i);
      long entry = HistoryDealGetInteger(deal, DEAL_ENTRY);
      if(deal > 0 && (entry == DEAL_ENTRY_OUT || entry == DEAL_ENTRY_OUT_BY || entry == DEAL_ENTRY_INOUT))
         return deal;
     }
   return 0;
  }

//--- deal is the closing deal when the trade event named it; else history is searched.
void SendPositionClosed(Session &s, const ulong ticket, ulong deal)
  {
   if(deal == 0)
      deal = FindClosingDeal(ticket);
   double price = 0;
   long timeMsc = 0;
   ulong dealTicket = 0;
   if(deal > 0 && HistoryDealSelect(deal))
     {
      price = HistoryDealGetDouble(deal, DEAL_PRICE);
      timeMsc = HistoryDealGetInteger(deal, DEAL_TIME_MSC);
      dealTicket = deal;
     }
   string body = "{";
   JsonAdd(body, "ticket", JsonInt((long)ticket));
   JsonAdd(body, "close_price", JsonNumber(price));
   JsonAdd(body, "deal", JsonInt((long)dealTicket));
   JsonAdd(body, "time_msc", JsonInt(timeMsc));
   body += "}";
   SessionSend(s, "position_closed", body, IntegerToString((long)ticket));
  }

//--- Sends the position's state, or its closing when the relay had it and it is gone.
void SendPositionState(Session &s, const ulong ticket, const ulong deal)
  {
   if(!s.accepted || ticket == 0)
      return;
   if(PositionSelectByTicket(ticket))
     {
      string body = "{";
      JsonAdd(body, "position", PositionJson());
      body += "}";
      if(SessionSend(s, "position", body, IntegerToString((long)ticket)))
         TicketAdd(s.knownPositions, ticket);
      return;
     }
   if(TicketRemove(s.knownPositions, ticket))
      SendPositionClosed(s, ticket, deal);
  }

//--- order_removed with the reason from history; false (nothing sent) while history does not know
//--- the final state yet, unless force.
bool TrySendOrderRemoved(Session &s, const ulong ticket, const bool force)
  {
   string reason = "unknown";
   long positionId = 0;
   if(HistoryOrderSelect(ticket))
     {
      reason = RemovalReason(HistoryOrderGetInteger(ticket, ORDER_STATE));
      positionId = HistoryOrderGetInteger(ticket, ORDER_POSITION_ID);
     }
   if(reason == "unknown" && !force)
      return false;
   string body = "{";
   JsonAdd(body, "ticket", JsonInt((long)ticket));
   JsonAdd(body, "reason", JsonQuote(reason));
   JsonAdd(body, "position_id", JsonInt(positionId));
   body += "}";
   SessionSend(s, "order_removed", body, reason);
   return true;
  }

void QueueRemoval(Session &s, const ulong ticket, const ulong now)
  {
   if(TicketIndex(s.pendingRemoval, ticket) >= 0)
      return;
   int n = ArraySize(s.pendingRemoval);
   ArrayResize(s.pendingRemoval, n + 1);
   ArrayResize(s.pendingSince, n + 1);
   s.pendingRemoval[n] = ticket;
   s.pendingSince[n] = now;
  }

void UnqueueRemoval(Session &s, const int i)
  {
   int last = ArraySize(s.pendingRemoval) - 1;
   s.pendingRemoval[i] = s.pendingRemoval[last];
   s.pendingSince[i] = s.pendingSince[last];
   ArrayResize(s.pendingRemoval, last);
   ArrayResize(s.pendingSince, last);
  }

void OrderGone(Session &s, const ulong ticket, const ulong now)
  {
   if(!TrySendOrderRemoved(s, ticket, false))
      QueueRemoval(s, ticket, now);
  }

//--- Sends the pending order's state, or its removal when the relay had it and it is gone.
void SendOrderState(Session &s, const ulong ticket, const ulong now)
  {
   if(!s.accepted || ticket == 0)
      return;
   if(OrderSelect(ticket))
     {
      if(!SelectedOrderIsPending())
         return;
      string body = "{";
      JsonAdd(body, "order", OrderJson());
      body += "}";
      if(SessionSend(s, "order", body, IntegerToString((long)ticket)))
         TicketAdd(s.knownOrders, ticket);
      return;
     }
   if(TicketRemove(s.knownOrders, ticket))
     {
      OrderGone(s, ticket, now);
      return;
     }
   int i = TicketIndex(s.pendingRemoval, ticket);
   if(i >= 0 && TrySendOrderRemoved(s, ticket, false))
      UnqueueRemoval(s, i);
  }

void ResolveRemovals(Session &s, const ulong now)
  {
   for(int i = ArraySize(s.pendingRemoval) - 1; i >= 0; i--)
     {
      bool late = now - s.pendingSince[i] >= REMOVAL_GRACE_MS;
      if(TrySendOrderRemoved(s, s.pendingRemoval[i], late))
         UnqueueRemoval(s, i);
     }
  }

//--- Transactions are hints of what to re-read; their own fields are not trusted (order not
//--- guaranteed, some may be lost when the terminal's queue overflows).
void HandleTransaction(Session &s, const MqlTradeTransaction &t, const ulong now)
  {
   switch(t.type)
     {
      case TRADE_TRANSACTION_POSITION:
         SendPositionState(s, t.position, 0);
         break;
      case TRADE_TRANSACTION_DEAL_ADD:
      case TRADE_TRANSACTION_DEAL_UPDATE:
         SendPositionState(s, t.position, t.deal);
         SendOrderState(s, t.order, now);
         break;
      case TRADE_TRANSACTION_ORDER_ADD:
      case TRADE_TRANSACTION_ORDER_UPDATE:
      case TRADE_TRANSACTION_ORDER_DELETE:
      case TRADE_TRANSACTION_HISTORY_ADD:
      case TRADE_TRANSACTION_HISTORY_UPDATE:
         SendOrderState(s, t.order, now);
         break;
      default:
         break;
     }
  }

//--- Tells the relay about removals no event reported, then sends the full state.
void SendSnapshot(Session &s, const string reason, const ulong fingerprint, const ulong now)
  {
   ulong positionsNow[];
   ulong ordersNow[];
   string positions = "";
   string orders = "";
   int total = PositionsTotal();
   for(int i = 0; i < total; i++)
     {
      ulong ticket = PositionGetTicket(i);
      if(ticket == 0)
         continue;
      positions += (positions == "" ? "" : ",") + PositionJson();
      TicketAdd(positionsNow, ticket);
     }
   total = OrdersTotal();
   for(int j = 0; j < total; j++)
     {
      ulong ticket = OrderGetTicket(j);
      if(ticket == 0 || !SelectedOrderIsPending())
         continue;
      orders += (orders == "" ? "" : ",") + OrderJson();
      TicketAdd(ordersNow, ticket);
     }
   for(int k = ArraySize(s.knownPositions) - 1; k >= 0; k--)
     {
      ulong gone = s.knownPositions[k];
      if(TicketIndex(positionsNow, gone) < 0 && TicketRemove(s.knownPositions, gone))
         SendPositionClosed(s, gone, 0);
     }
   for(int m = ArraySize(s.knownOrders) - 1; m >= 0; m--)
     {
      ulong gone = s.knownOrders[m];
      if(TicketIndex(ordersNow, gone) < 0 && TicketRemove(s.knownOrders, gone))
         OrderGone(s, gone, now);
     }
   string body = "{";
   JsonAdd(body, "reason", JsonQuote(reason));
   JsonAdd(body, "server_time", JsonInt((long)TimeTradeServer()));
   JsonAdd(body, "account", AccountJson());
   JsonAdd(body, "positions", "[" + positions + "]");
   JsonAdd(body, "orders", "[" + orders + "]");
   body += "}";
   if(!SessionSend(s, "snapshot", body, reason))
      return;
   ArrayFree(s.knownPositions);
   ArrayCopy(s.knownPositions, positionsNow);
   ArrayFree(s.knownOrders);
   ArrayCopy(s.knownOrders, ordersNow);
   s.lastFp = fingerprint;
   s.lastSnapshotMs = now;
   s.snapshotDue = false;
  }

void Reconcile(Session &s, const ulong now)
  {
   if(!s.accepted)
      return;
   ResolveRemovals(s, now);
   ulong fp = FingerprintAll();
   string reason = "";
   if(s.snapshotDue)
      reason = s.snapshotReason;
   else
      if(fp != s.lastFp)
         reason = "changed";
      else
         if(now - s.lastSnapshotMs >= s.snapshotMs)
            reason = "periodic";
   if(reason != "")
      SendSnapshot(s, reason, fp, now);
  }

#endif
