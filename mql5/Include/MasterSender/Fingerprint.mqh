//+------------------------------------------------------------------+
//| Fingerprint.mqh: a cheap 64-bit summary of every position and    |
//| pending order, compared every ReconcileMs to catch the changes   |
//| whose trade events were lost. Order-independent (a sum of item   |
//| hashes), so the terminal's list order does not matter.           |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_FINGERPRINT_MQH
#define MASTERSENDER_FINGERPRINT_MQH

#include <MasterSender/State.mqh>

//--- FNV-1a, 64 bit; the offset basis is built from halves to need no 64-bit literal suffix.
ulong FpStart()
  {
   return ((ulong)0xcbf29ce4 << 32) | (ulong)0x84222325;
  }

ulong FpMix(ulong h, const long value)
  {
   ulong v = (ulong)value;
   for(int i = 0; i < 8; i++)
     {
      h ^= (v & 0xFF);
      h *= (ulong)1099511628211;
      v >>= 8;
     }
   return h;
  }

//--- Prices and volumes to 1e-8: finer changes are not trades.
ulong FpMixDouble(const ulong h, const double value)
  {
   return FpMix(h, (long)MathRound(value * 100000000.0));
  }

//--- The selected position.
ulong FpPosition()
  {
   ulong h = FpStart();
   h = FpMix(h, PositionGetInteger(POSITION_TICKET));
   h = FpMix(h, PositionGetInteger(POSITION_TYPE));
   h = FpMixDouble(h, PositionGetDouble(POSITION_VOLUME));
   h = FpMixDouble(h, PositionGetDouble(POSITION_PRICE_OPEN));
   h = FpMixDouble(h, PositionGetDouble(POSITION_SL));
   h = FpMixDouble(h, PositionGetDouble(POSITION_TP));
   return h;
  }

//--- The selected order.
ulong FpOrder()
  {
   ulong h = FpStart();
   h = FpMix(h, OrderGetInteger(ORDER_TICKET));
   h = FpMix(h, OrderGetInteger(ORDER_TYPE));
   h = FpMix(h, OrderGetInteger(ORDER_TYPE_TIME));
   h = FpMix(h, OrderGetInteger(ORDER_TIME_EXPIRATION));
   h = FpMixDouble(h, OrderGetDouble(ORDER_VOLUME_CURRENT));
   h = FpMixDouble(h, OrderGetDouble(ORDER_PRICE_OPEN));
   h = FpMixDouble(h, OrderGetDouble(ORDER_PRICE_STOPLIMIT));
   h = FpMixDouble(h, OrderGetDouble(ORDER_SL));
   h = FpMixDouble(h, OrderGetDouble(ORDER_TP));
   return h;
  }

//--- Every position and pending order now; counts go in so that an empty book differs from none.
ulong FingerprintAll()
  {
   ulong sum = 0;
   int positions = PositionsTotal();
   for(int i = 0; i < positions; i++)
      if(PositionGetTicket(i) > 0)
         sum += FpPosition();
   int orders = OrdersTotal();
   int pending = 0;
   for(int j = 0; j < orders; j++)
      if(OrderGetTicket(j) > 0 && SelectedOrderIsPending())
        {
         sum += FpOrder();
         pending++;
        }
   return FpMix(FpMix(sum, positions), pending);
  }

#endif
