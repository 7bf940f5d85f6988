//+------------------------------------------------------------------+
//| Lang.mqh: the EA's words in English and Portuguese, chosen by    |
//| the terminal's interface language (TERMINAL_LANGUAGE).           |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_LANG_MQH
#define MASTERSENDER_LANG_MQH

bool g_langPortuguese = false;

//--- TERMINAL_LANGUAGE names the language ("English", "Portuguese (Brazil)", ...).
void LangInit()
  {
   g_langPortuguese = StringFind(TerminalInfoString(TERMINAL_LANGUAGE), "Portug") >= 0;
  }

bool LangIsPortuguese()
  {
   return g_langPortuguese;
  }

//--- The text in the terminal's language: English, or its Portuguese.
string Tr(const string english, const string portuguese)
  {
   return g_langPortuguese ? portuguese : english;
  }

//--- The session's own sentences (Session.mqh writes them in English) in the terminal's language. Longest
//--- phrases first, so a short one never splits a longer one; what is not listed (numbers, endpoints, the relay's
//--- own message) stays as it is.
string LangDetail(const string english)
  {
   if(!g_langPortuguese)
      return english;
   string t = english;
   StringReplace(t, " is not in the allowed URL list: Tools > Options > Expert Advisors, tick \"Allow WebRequest for listed URL\" and add ",
                 " não está na lista de URLs permitidas: Ferramentas > Opções > Expert Advisors, marque \"Permitir WebRequest para as URLs listadas\" e adicione ");
   StringReplace(t, "account changed; new session once the terminal has loaded the new account",
                 "a conta mudou; nova sessão quando o terminal tiver carregado a nova conta");
   StringReplace(t, "waiting for the terminal to connect to its trade server", "aguardando o terminal conectar ao servidor de negociação");
   StringReplace(t, "waiting for the terminal to log in to an account", "aguardando o terminal entrar em uma conta");
   StringReplace(t, "waiting for the terminal to load positions and orders", "aguardando o terminal carregar posições e ordens");
   StringReplace(t, "relay lost the session while the terminal is not synchronised",
                 "o relay perdeu a sessão enquanto o terminal não está sincronizado");
   StringReplace(t, "relay lost the session; saying hello again", "o relay perdeu a sessão; enviando hello de novo");
   StringReplace(t, "waiting for the relay's welcome at ", "aguardando a resposta (welcome) do relay em ");
   StringReplace(t, "; asking again every 5 s", "; pedindo de novo a cada 5 s");
   StringReplace(t, "refused by the relay: ", "recusado pelo relay: ");
   StringReplace(t, "relay not running on ", "relay não está rodando em ");
   StringReplace(t, "connected to relay ", "conectado ao relay ");
   StringReplace(t, ", ZMTP handshake", ", handshake ZMTP");
   StringReplace(t, "relay silent for ", "relay sem responder há ");
   StringReplace(t, "; reconnecting", "; reconectando");
   StringReplace(t, "; retrying", "; tentando de novo");
   StringReplace(t, "connection lost", "conexão perdida");
   StringReplace(t, "send failed", "falha no envio");
   StringReplace(t, "connected to ", "conectado a ");
   StringReplace(t, ", session ", ", sessão ");
   StringReplace(t, "(error ", "(erro ");
   if(t == "starting")
      t = "iniciando";
   return t;
  }

//--- A session state ("connected", "unreachable", ...) as the trader reads it.
string LangState(const string state)
  {
   if(state == "connected")
      return Tr("connected", "conectado");
   if(state == "unreachable")
      return Tr("relay unreachable", "relay inacessível");
   if(state == "refused")
      return Tr("refused", "recusado");
   if(state == "not_allowed")
      return Tr("not allowed", "não permitido");
   if(state == "disconnected")
      return Tr("disconnected", "desconectado");
   if(state == "waiting")
      return Tr("waiting", "aguardando");
   if(state == "handshake")
      return Tr("handshake", "handshake");
   if(state == "starting")
      return Tr("starting", "iniciando");
   return state;
  }

#endif
