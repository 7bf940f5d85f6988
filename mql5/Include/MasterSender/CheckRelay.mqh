//+------------------------------------------------------------------+
//| CheckRelay.mqh: what MasterSenderCheck asks the relay, over      |
//| WebRequest: GET /api/status and /api/check/signals?since=.       |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_CHECKRELAY_MQH
#define MASTERSENDER_CHECKRELAY_MQH

#include <MasterSender/Json.mqh>

//--- One signal as the relay's check endpoint lists it.
struct CheckSignal
  {
   string            key;
   string            action;
   long              ticket;
   double            volume;
   double            price;
   double            sl;
   double            tp;
   string            reason;
   string            state;
  };

bool CheckJsonDouble(const string json, const string key, double &value)
  {
   string raw = "";
   if(!JsonRawMember(json, key, raw))
      return false;
   ushort c = StringGetCharacter(raw, 0);
   if(c != '-' && (c < '0' || c > '9'))
      return false;
   value = StringToDouble(raw);
   return true;
  }

//--- What the user must do when a WebRequest fails, from its error code.
string CheckWebError(const string url, const string origin, const int error)
  {
   if(error == 4014)
      return "WebRequest to " + origin + " is not allowed (error 4014): add " + origin +
             " to Tools > Options > Expert Advisors > Allow WebRequest for listed URL";
   return "the relay does not answer at " + url + " (error " + IntegerToString(error) +
          "): is the MasterSender relay running, and is its status page on " + origin + "?";
  }

//--- GET origin + path; true with the body on HTTP 200, else false with a sentence for the user.
bool CheckGet(const string origin, const string path, string &body, string &error)
  {
   char request[];
   char answer[];
   string headers = "";
   string url = origin + path;
   ResetLastError();
   int status = WebRequest("GET", url, "Accept: application/json\r\n", 3000, request, answer, headers);
   if(status == -1)
     {
      error = CheckWebError(url, origin, GetLastError());
      return false;
     }
   body = CharArrayToString(answer, 0, WHOLE_ARRAY, CP_UTF8);
   if(status != 200)
     {
      error = "the relay answered HTTP " + IntegerToString(status) + " to " + url + ": " + StringSubstr(body, 0, 200);
      return false;
     }
   return true;
  }

//--- The signals array of the check endpoint's answer; the relay's clock (now_ms) in nowMs.
int CheckParseSignals(const string json, CheckSignal &out[], long &nowMs)
  {
   ArrayResize(out, 0);
   JsonGetLong(json, "now_ms", nowMs);
   string raw = "";
   if(!JsonRawMember(json, "signals", raw) || StringGetCharacter(raw, 0) != '[')
      return -1;
   int n = StringLen(raw);
   int i = JsonSkipSpace(raw, 1);
   while(i < n && StringGetCharacter(raw, i) == '{')
     {
      int end = JsonSkipValue(raw, i);
      if(end < 0)
         return -1;
      string item = StringSubstr(raw, i, end - i);
      int k = ArraySize(out);
      ArrayResize(out, k + 1);
      out[k].key = "";
      out[k].action = "";
      out[k].ticket = 0;
      out[k].volume = 0;
      out[k].price = 0;
      out[k].sl = 0;
      out[k].tp = 0;
      out[k].reason = "";
      out[k].state = "";
      JsonGetString(item, "key", out[k].key);
      JsonGetString(item, "action", out[k].action);
      JsonGetLong(item, "ticket", out[k].ticket);
      CheckJsonDouble(item, "volume", out[k].volume);
      CheckJsonDouble(item, "price", out[k].price);
      CheckJsonDouble(item, "sl", out[k].sl);
      CheckJsonDouble(item, "tp", out[k].tp);
      JsonGetString(item, "reason", out[k].reason);
      JsonGetString(item, "state", out[k].state);
      i = JsonSkipSpace(raw, end);
      if(i < n && StringGetCharacter(raw, i) == ',')
         i = JsonSkipSpace(raw, i + 1);
     }
   return ArraySize(out);
  }

//--- Signals since sinceMs (relay clock); false with a sentence when the relay cannot be asked.
bool CheckFetchSignals(const string origin, const long sinceMs, CheckSignal &out[], long &nowMs, string &error)
  {
   string body = "";
   if(!CheckGet(origin, "/api/check/signals?since=" + IntegerToString(sinceMs), body, error))
      return false;
   if(CheckParseSignals(body, out, nowMs) < 0)
     {
      error = "the relay's answer is not the check endpoint's JSON (an older relay?): " + StringSubstr(body, 0, 200);
      return false;
     }
   return true;
  }

//--- Whether the relay sees this terminal's EA connected for this account (GET /api/status).
bool CheckRelaySeesTerminal(const string origin, const long login, string &error)
  {
   string body = "";
   if(!CheckGet(origin, "/api/status", body, error))
      return false;
   string terminal = "";
   bool connected = false;
   long seen = 0;
   if(!JsonRawMember(body, "terminal", terminal) || !JsonGetBool(terminal, "connected", connected))
     {
      error = "the relay's /api/status has no terminal section: " + StringSubstr(body, 0, 200);
      return false;
     }
   if(!connected)
     {
      error = "the relay does not see the EA connected: attach MasterSender to a chart of this terminal and wait for CONNECTED";
      return false;
     }
   JsonGetLong(terminal, "login", seen);
   if(seen != login)
     {
      error = "the relay's connected terminal is account " + IntegerToString(seen) + ", not this one (" + IntegerToString(login) + ")";
      return false;
     }
   return true;
  }

#endif
