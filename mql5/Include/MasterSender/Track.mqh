//+------------------------------------------------------------------+
//| Track.mqh: what the relay has been told is open, one entry per   |
//| position identifier (or order ticket), sorted by that key so a   |
//| lookup is a binary search: 500 positions cost ~9 comparisons     |
//| each, not 500.                                                   |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_TRACK_MQH
#define MASTERSENDER_TRACK_MQH

struct Tracked
  {
   ulong             keys[];     // POSITION_IDENTIFIER (ticket when 0) or ORDER_TICKET, ascending
   ulong             tickets[];  // the ticket last reported (a position's ticket can change, its identifier not)
   ulong             fps[];      // item fingerprint last reported
   double            volumes[];  // volume last reported
   int               marks[];    // scan number that last saw the item
  };

void TrackClear(Tracked &t)
  {
   ArrayFree(t.keys);
   ArrayFree(t.tickets);
   ArrayFree(t.fps);
   ArrayFree(t.volumes);
   ArrayFree(t.marks);
  }

int TrackCount(const Tracked &t)
  {
   return ArraySize(t.keys);
  }

//--- First index whose key is >= key (the insertion point).
int TrackLowerBound(const Tracked &t, const ulong key)
  {
   int lo = 0;
   int hi = ArraySize(t.keys);
   while(lo < hi)
     {
      int mid = (lo + hi) / 2;
      if(t.keys[mid] < key)
         lo = mid + 1;
      else
         hi = mid;
     }
   return lo;
  }

int TrackFind(const Tracked &t, const ulong key)
  {
   int i = TrackLowerBound(t, key);
   if(i < ArraySize(t.keys) && t.keys[i] == key)
      return i;
   return -1;
  }

//--- Linear: used only for a ticket no open item has any more (events, lookups).
int TrackFindTicket(const Tracked &t, const ulong ticket)
  {
   int n = ArraySize(t.tickets);
   for(int i = 0; i < n; i++)
      if(t.tickets[i] == ticket)
         return i;
   return -1;
  }

//--- Inserts or updates; returns the index.
int TrackPut(Tracked &t, const ulong key, const ulong ticket, const ulong fp, const double volume, const int mark)
  {
   int i = TrackLowerBound(t, key);
   int n = ArraySize(t.keys);
   if(i >= n || t.keys[i] != key)
     {
      ArrayResize(t.keys, n + 1, 64);
      ArrayResize(t.tickets, n + 1, 64);
      ArrayResize(t.fps, n + 1, 64);
      ArrayResize(t.volumes, n + 1, 64);
      ArrayResize(t.marks, n + 1, 64);
      for(int j = n; j > i; j--)
        {
         t.keys[j] = t.keys[j - 1];
         t.tickets[j] = t.tickets[j - 1];
         t.fps[j] = t.fps[j - 1];
         t.volumes[j] = t.volumes[j - 1];
         t.marks[j] = t.marks[j - 1];
        }
      t.keys[i] = key;
     }
   t.tickets[i] = ticket;
   t.fps[i] = fp;
   t.volumes[i] = volume;
   t.marks[i] = mark;
   return i;
  }

void TrackRemoveAt(Tracked &t, const int i)
  {
   int n = ArraySize(t.keys);
   if(i < 0 || i >= n)
      return;
   for(int j = i; j < n - 1; j++)
     {
      t.keys[j] = t.keys[j + 1];
      t.tickets[j] = t.tickets[j + 1];
      t.fps[j] = t.fps[j + 1];
      t.volumes[j] = t.volumes[j + 1];
      t.marks[j] = t.marks[j + 1];
     }
   ArrayResize(t.keys, n - 1);
   ArrayResize(t.tickets, n - 1);
   ArrayResize(t.fps, n - 1);
   ArrayResize(t.volumes, n - 1);
   ArrayResize(t.marks, n - 1);
  }

#endif
