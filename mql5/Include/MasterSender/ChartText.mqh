//+------------------------------------------------------------------+
//| ChartText.mqh: what the user reads on the chart (Comment).       |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_CHARTTEXT_MQH
#define MASTERSENDER_CHARTTEXT_MQH

#include <MasterSender/Session.mqh>

string ChartTextFor(const Session &s)
  {
   string head = s.state == "connected" ? "CONNECTED" : "NOT CONNECTED";
   string text = "MasterSender " + s.eaVersion + ": " + head + "\n" + s.detail + "\n";
   text += StringFormat("Tracking %d positions, %d pending orders\n",
                        TrackCount(s.positions), TrackCount(s.orders));
   text += "Last sent: " + (s.lastSent != "" ? s.lastSent : "nothing yet");
   return text;
  }

//--- Comment only when the text changed: the chart redraws on every call.
void ChartTextShow(string &shown, const string text)
  {
   if(text == shown)
      return;
   shown = text;
   Comment(text);
  }

#endif
