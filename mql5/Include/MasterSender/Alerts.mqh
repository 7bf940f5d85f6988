//+------------------------------------------------------------------+
//| Alerts.mqh: tells the trader when copying stops and when it is   |
//| back: one Alert (and one push notification where the terminal    |
//| has them set up) per episode, after it lasted AlertAfterSeconds.  |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_ALERTS_MQH
#define MASTERSENDER_ALERTS_MQH

#include <MasterSender/Session.mqh>
#include <MasterSender/Lang.mqh>

// SendNotification takes at most 255 characters.
#define NOTIFICATION_MAX_CHARS 255

struct AlertWatch
  {
   ulong             troubleSinceMs;   // 0: copying works
   bool              alerted;          // this episode's alert went out
   string            reason;
  };

void AlertWatchInit(AlertWatch &w)
  {
   w.troubleSinceMs = 0;
   w.alerted = false;
   w.reason = "";
  }

//--- Why signals are not reaching the API now, or "" when they are: the relay first (unreachable, refusing this
//--- terminal, or any state short of accepted), then the API as the relay last reported it in a heartbeat reply.
string CopyingTrouble(const Session &s)
  {
   if(!(s.accepted && s.state == "connected"))
      return LangState(s.state) + ": " + LangDetail(s.detail);
   if(!s.apiOk)
      return Tr("the signal API is not taking signals: ", "a API de sinais não está aceitando sinais: ") + s.apiError;
   return "";
  }

void AlertTrader(const string text)
  {
   Alert(text);
   if(TerminalInfoInteger(TERMINAL_NOTIFICATIONS_ENABLED) != 0)
      if(!SendNotification(StringSubstr(text, 0, NOTIFICATION_MAX_CHARS)))
         Print(Tr("MasterSender: SendNotification failed, error ", "MasterSender: SendNotification falhou, erro "), GetLastError());
  }

//--- Called on every timer tick: raises the alert once per episode, and the all-clear once when it ends.
void AlertsWatch(AlertWatch &w, const Session &s, const ulong now, const ulong afterMs)
  {
   string trouble = CopyingTrouble(s);
   if(trouble == "")
     {
      if(w.alerted)
         AlertTrader(Tr("MasterSender: copying is back to normal; signals reach the API again.",
                        "MasterSender: a cópia voltou ao normal; os sinais chegam à API de novo."));
      AlertWatchInit(w);
      return;
     }
   if(w.troubleSinceMs == 0)
      w.troubleSinceMs = now;
   w.reason = trouble;
   if(w.alerted || now - w.troubleSinceMs < afterMs)
      return;
   w.alerted = true;
   AlertTrader(Tr("MasterSender: copying has STOPPED for ", "MasterSender: a cópia PAROU há ")
               + IntegerToString((long)((now - w.troubleSinceMs) / 1000)) + " s. " + trouble);
  }

#endif
