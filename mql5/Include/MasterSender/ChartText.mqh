//+------------------------------------------------------------------+
//| ChartText.mqh: what the user reads on the chart (Comment).       |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_CHARTTEXT_MQH
#define MASTERSENDER_CHARTTEXT_MQH

#include <MasterSender/Session.mqh>
#include <MasterSender/Lang.mqh>

string ChartTextFor(const Session &s)
  {
   string head = s.state == "connected" ? Tr("CONNECTED", "CONECTADO") : Tr("NOT CONNECTED", "DESCONECTADO");
   string text = "MasterSender " + s.eaVersion + ": " + head + "\n" + LangDetail(s.detail) + "\n";
   if(s.state == "connected" && !s.apiOk)
      text += Tr("The signal API is not taking signals: ", "A API de sinais não está aceitando sinais: ") + s.apiError + "\n";
   text += StringFormat(Tr("Tracking %d positions, %d pending orders\n", "Acompanhando %d posições, %d ordens pendentes\n"),
                        TrackCount(s.positions), TrackCount(s.orders));
   text += Tr("Last sent: ", "Último envio: ") + (s.lastSent != "" ? s.lastSent : Tr("nothing yet", "nada ainda"));
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
