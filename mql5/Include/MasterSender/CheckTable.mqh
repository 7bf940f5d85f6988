//+------------------------------------------------------------------+
//| CheckTable.mqh: MasterSenderCheck's expectations, how a step is  |
//| compared with the relay's signals, and the table it prints.      |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_CHECKTABLE_MQH
#define MASTERSENDER_CHECKTABLE_MQH

#include <MasterSender/CheckRelay.mqh>

//--- One signal a step must produce. price/sl/tp are compared when checkPrice/checkStops.
struct CheckExpect
  {
   string            action;
   long              ticket;
   double            volume;
   double            price;
   double            sl;
   double            tp;
   bool              checkPrice;
   bool              checkStops;
   string            reason;
  };

struct CheckState
  {
   string            origin;
   long              sinceMs;     // relay clock when the check started
   int               deadlineMs;
   double            point;
   int               digits;
   string            consumed[];  // keys of signals already matched to a step
   long              tickets[];   // positions and orders this check made
   string            rows[];
   int               passed;
   int               failed;
   int               skipped;
  };

void CheckExpectInit(CheckExpect &e, const string action, const long ticket, const double volume)
  {
   e.action = action;
   e.ticket = ticket;
   e.volume = volume;
   e.price = 0;
   e.sl = 0;
   e.tp = 0;
   e.checkPrice = false;
   e.checkStops = false;
   e.reason = "";
  }

void CheckTrack(CheckState &s, const long ticket)
  {
   for(int i = 0; i < ArraySize(s.tickets); i++)
      if(s.tickets[i] == ticket)
         return;
   int n = ArraySize(s.tickets);
   ArrayResize(s.tickets, n + 1);
   s.tickets[n] = ticket;
  }

bool CheckIsOurs(const CheckState &s, const long ticket)
  {
   for(int i = 0; i < ArraySize(s.tickets); i++)
      if(s.tickets[i] == ticket)
         return true;
   return false;
  }

bool CheckIsConsumed(const CheckState &s, const string key)
  {
   for(int i = 0; i < ArraySize(s.consumed); i++)
      if(s.consumed[i] == key)
         return true;
   return false;
  }

void CheckConsume(CheckState &s, const string key)
  {
   int n = ArraySize(s.consumed);
   ArrayResize(s.consumed, n + 1);
   s.consumed[n] = key;
  }

string CheckVolumeText(const double v)
  {
   return DoubleToString(v, 2);
  }

string CheckExpectText(const CheckState &s, const CheckExpect &e)
  {
   string text = e.action + " #" + IntegerToString(e.ticket) + " " + CheckVolumeText(e.volume);
   if(e.checkPrice)
      text += " @" + DoubleToString(e.price, s.digits);
   if(e.checkStops)
      text += " sl " + DoubleToString(e.sl, s.digits) + " tp " + DoubleToString(e.tp, s.digits);
   if(e.reason != "")
      text += " " + e.reason;
   return text;
  }

string CheckSignalText(const CheckState &s, const CheckSignal &g)
  {
   string text = g.action + " #" + IntegerToString(g.ticket) + " " + CheckVolumeText(g.volume) +
                 " @" + DoubleToString(g.price, s.digits) +
                 " sl " + DoubleToString(g.sl, s.digits) + " tp " + DoubleToString(g.tp, s.digits);
   if(g.reason != "")
      text += " " + g.reason;
   return text + " [" + g.state + "]";
  }

//--- "" when the signal says what was expected, else what differs.
string CheckDifference(const CheckState &s, const CheckExpect &e, const CheckSignal &g)
  {
   string diff = "";
   double half = s.point / 2;
   if(MathAbs(g.volume - e.volume) > 1e-8)
      diff += " volume " + CheckVolumeText(g.volume) + " not " + CheckVolumeText(e.volume) + ";";
   if(e.checkPrice && MathAbs(g.price - e.price) > half)
      diff += " price " + DoubleToString(g.price, s.digits) + " not " + DoubleToString(e.price, s.digits) + ";";
   if(e.checkStops && (MathAbs(g.sl - e.sl) > half || MathAbs(g.tp - e.tp) > half))
      diff += " sl/tp " + DoubleToString(g.sl, s.digits) + "/" + DoubleToString(g.tp, s.digits) + " not " +
              DoubleToString(e.sl, s.digits) + "/" + DoubleToString(e.tp, s.digits) + ";";
   if(e.reason != "" && g.reason != e.reason)
      diff += " reason " + g.reason + " not " + e.reason + ";";
   return diff;
  }

//--- Adds a row to the table: Experts log now, chart with the whole table.
void CheckRow(CheckState &s, const string step, const string expected, const string seen, const string ms, const string verdict)
  {
   if(verdict == "PASS")
      s.passed++;
   else
      if(verdict == "FAIL")
         s.failed++;
      else
         s.skipped++;
   string row = StringFormat("%-3d %-22s | %-7s | %6s ms | expected: %s | seen: %s", ArraySize(s.rows) + 1, step, verdict, ms, expected, seen);
   int n = ArraySize(s.rows);
   ArrayResize(s.rows, n + 1);
   s.rows[n] = row;
   Print("MasterSenderCheck ", row);
   string chart = "MasterSenderCheck (" + IntegerToString(s.passed) + " passed, " + IntegerToString(s.failed) + " failed so far)\n";
   for(int i = 0; i < ArraySize(s.rows); i++)
      chart += s.rows[i] + "\n";
   Comment(chart);
  }

//--- Polls the relay until every expected signal is there (or the deadline passes) and adds the row.
//--- t0 is GetMicrosecondCount() when the trade result came back. Signals of this check's tickets
//--- that nothing expected (a repeat, a false CLOSE) fail the step too.
bool CheckVerify(CheckState &s, const string step, CheckExpect &expect[], const ulong t0)
  {
   int n = ArraySize(expect);
   int found[];  // 0/1: MQL5 bool arrays would do, but g++'s vector<bool> has no bool&
   string seen[];
   ArrayResize(found, n);
   ArrayResize(seen, n);
   for(int i = 0; i < n; i++)
     {
      found[i] = 0;
      seen[i] = "";
     }
   string extra = "";
   string error = "";
   long nowMs = 0;
   ulong latencyUs = 0;
   int missing = n;
   ulong deadline = GetTickCount64() + (ulong)s.deadlineMs;
   while(missing > 0 && !IsStopped())
     {
      CheckSignal signals[];
      if(!CheckFetchSignals(s.origin, s.sinceMs, signals, nowMs, error))
         break;
      error = "";
      for(int k = 0; k < ArraySize(signals); k++)
        {
         if(CheckIsConsumed(s, signals[k].key))
            continue;
         bool matched = false;
         for(int i = 0; i < n && !matched; i++)
            if(found[i] == 0 && signals[k].action == expect[i].action && signals[k].ticket == expect[i].ticket)
              {
               found[i] = 1;
               matched = true;
               missing--;
               string diff = CheckDifference(s, expect[i], signals[k]);
               seen[i] = CheckSignalText(s, signals[k]) + (diff != "" ? " MISMATCH:" + diff : "");
               latencyUs = GetMicrosecondCount() - t0;
              }
         if(matched || CheckIsOurs(s, signals[k].ticket))
           {
            if(!matched)
               extra += " UNEXPECTED " + CheckSignalText(s, signals[k]) + ";";
            CheckConsume(s, signals[k].key);
           }
        }
      if(missing == 0 || GetTickCount64() >= deadline)
         break;
      Sleep(25);
     }
   string expectedText = "";
   string seenText = "";
   bool ok = error == "" && missing == 0 && extra == "";
   for(int i = 0; i < n; i++)
     {
      string sep = i > 0 ? " + " : "";
      expectedText += sep + CheckExpectText(s, expect[i]);
      if(found[i] != 0)
         seenText += sep + seen[i];
      else
         seenText += sep + "NO " + expect[i].action + " #" + IntegerToString(expect[i].ticket) +
                     " within " + IntegerToString(s.deadlineMs) + " ms";
      if(StringFind(seen[i], "MISMATCH") >= 0)
         ok = false;
     }
   if(error != "")
      seenText = "cannot ask the relay: " + error;
   seenText += extra;
   CheckRow(s, step, expectedText, seenText, missing == 0 ? IntegerToString((long)(latencyUs / 1000)) : "-", ok ? "PASS" : "FAIL");
   return ok;
  }

#endif
