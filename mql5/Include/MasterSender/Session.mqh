//+------------------------------------------------------------------+
//| Session.mqh: one connection to the relay: connect with backoff,  |
//| hello/welcome, seq, heartbeat, resync, silence timeout.          |
//| Everything runs from OnTimer and returns at once.                |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_SESSION_MQH
#define MASTERSENDER_SESSION_MQH

#include <MasterSender/Zmtp.mqh>
#include <MasterSender/State.mqh>
#include <MasterSender/Track.mqh>
#include <MasterSender/Lang.mqh>

#define PROTOCOL_VERSION        1
#define CONNECT_TIMEOUT_MS      100
#define SILENCE_ACCEPTED_MS     5000
// Hello is repeated every 5 s while refused: a silence limit of 5 s would race with the answer.
#define SILENCE_OTHERWISE_MS    10000
#define REHELLO_MS              5000
#define BACKOFF_FIRST_MS        500
#define BACKOFF_MAX_MS          10000
#define ERR_NOT_ALLOWED         4014
// Start gate: the terminal must be connected to its trade server, logged in, and its position and order
// counts unchanged for this long before the EA says hello (docs/protocol.md, "How the EA applies these rules").
#define SETTLE_MS               5000

struct Session
  {
   ZmtpConn          conn;
   string            host;
   int               port;
   string            pairingKey;
   ulong             snapshotMs;
   string            instance;
   string            eaVersion;
   string            sessionId;
   long              seq;
   bool              helloSent;
   bool              accepted;
   int               heartbeatMs;
   ulong             lastRecvMs;
   ulong             lastHeartbeatMs;
   ulong             lastHelloMs;
   ulong             lastSnapshotMs;
   ulong             nextConnectMs;
   int               backoffMs;
   string            state;
   string            detail;
   string            printed;
   string            lastSent;
   bool              snapshotDue;
   string            snapshotReason;
   long              login;            // the account the current hello was sent for
   bool              settled;          // start gate open (see TerminalGate)
   bool              settledSeen;      // settled as of the last Reconcile: a re-sync asks for a snapshot
   ulong             settleSince;
   long              settleLogin;
   int               settlePositions;
   int               settleOrders;
   Tracked           positions;
   Tracked           orders;
   int               scanMark;
   int               evKind[];         // evidence still looked for: EV_POSITION or EV_ORDER
   ulong             evTicket[];
   ulong             evKey[];          // position identifier (order: its ticket)
   double            evVolume[];       // the position's last reported volume, 0 when never reported
   ulong             evSince[];
   string            lookups[];        // relay lookup messages not handled yet
   bool              apiOk;      // the relay's last heartbeat reply: is the signal API taking signals?
   string            apiError;
  };

//--- What was reported belongs to one account and one relay session.
void SessionForgetBook(Session &s)
  {
   TrackClear(s.positions);
   TrackClear(s.orders);
   s.scanMark = 0;
   ArrayFree(s.evKind);
   ArrayFree(s.evTicket);
   ArrayFree(s.evKey);
   ArrayFree(s.evVolume);
   ArrayFree(s.evSince);
   ArrayFree(s.lookups);
  }

void SessionInit(Session &s, const string host, const int port, const string key,
                 const ulong snapshotMs, const string instance, const string version)
  {
   ZmtpReset(s.conn);
   s.host = host;
   s.port = port;
   s.pairingKey = key;
   s.snapshotMs = snapshotMs;
   s.instance = instance;
   s.eaVersion = version;
   s.sessionId = "";
   s.seq = 0;
   s.helloSent = false;
   s.accepted = false;
   s.heartbeatMs = 1000;
   s.lastRecvMs = 0;
   s.lastHeartbeatMs = 0;
   s.lastHelloMs = 0;
   s.lastSnapshotMs = 0;
   s.nextConnectMs = 0;
   s.backoffMs = 0;
   s.state = "starting";
   s.detail = "starting";
   s.printed = "";
   s.lastSent = "";
   s.snapshotDue = false;
   s.snapshotReason = "";
   s.login = 0;
   s.settled = false;
   s.settledSeen = false;
   s.settleSince = 0;
   s.settleLogin = 0;
   s.settlePositions = -1;
   s.settleOrders = -1;
   SessionForgetBook(s);
   s.apiOk = true;
   s.apiError = "";
  }

//--- One Print per change of state, never one per retry.
void SessionSetState(Session &s, const string state, const string detail)
  {
   s.state = state;
   s.detail = detail;
   string line = state + ": " + detail;
   if(line == s.printed)
      return;
   s.printed = line;
   Print("MasterSender " + Tr(line, LangState(state) + ": " + LangDetail(detail)));
  }

string NewSessionId()
  {
   string id = "";
   for(int i = 0; i < 4; i++)
      id += StringFormat("%04x", MathRand() & 0xFFFF);
   return id + StringFormat("%08x", (int)(GetMicrosecondCount() & 0x7FFFFFFF));
  }

void SessionScheduleRetry(Session &s, const ulong now)
  {
   s.nextConnectMs = now + (ulong)s.backoffMs;
   s.backoffMs = s.backoffMs == 0 ? BACKOFF_FIRST_MS : s.backoffMs * 2;
   if(s.backoffMs > BACKOFF_MAX_MS)
      s.backoffMs = BACKOFF_MAX_MS;
  }

void SessionDrop(Session &s, const string why, const ulong now)
  {
   ZmtpClose(s.conn);
   s.accepted = false;
   s.helloSent = false;
   SessionScheduleRetry(s, now);
   SessionSetState(s, "disconnected", why + "; reconnecting");
  }

//--- Adds v/type/session/seq in front of the body's own members ("{}" for none).
bool SessionSend(Session &s, const string type, const string body, const string label)
  {
   if(s.conn.phase != ZMTP_OPEN)
      return false;
   s.seq++;
   string json = "{";
   JsonAdd(json, "v", JsonInt(PROTOCOL_VERSION));
   JsonAdd(json, "type", JsonQuote(type));
   JsonAdd(json, "session", JsonQuote(s.sessionId));
   JsonAdd(json, "seq", JsonInt(s.seq));
   if(StringLen(body) > 2)
      json += "," + StringSubstr(body, 1);
   else
      json += "}";
   if(!ZmtpSendText(s.conn, json))
     {
      SessionDrop(s, s.conn.error, GetTickCount64());
      return false;
     }
   s.lastSent = type + (label != "" ? " (" + label + ")" : "") + " #" + IntegerToString(s.seq)
                + " at " + TimeToString(TimeLocal(), TIME_SECONDS);
   return true;
  }

string TerminalJson()
  {
   string o = "{";
   JsonAdd(o, "path", JsonQuote(TerminalInfoString(TERMINAL_PATH)));
   JsonAdd(o, "data_path", JsonQuote(TerminalInfoString(TERMINAL_DATA_PATH)));
   JsonAdd(o, "build", JsonInt(TerminalInfoInteger(TERMINAL_BUILD)));
   JsonAdd(o, "name", JsonQuote(TerminalInfoString(TERMINAL_NAME)));
   JsonAdd(o, "connected", JsonBool(TerminalInfoInteger(TERMINAL_CONNECTED) != 0));
   JsonAdd(o, "trade_allowed", JsonBool(TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) != 0));
   return o + "}";
  }

bool SessionHello(Session &s, const ulong now)
  {
   string body = "{";
   JsonAdd(body, "ea_version", JsonQuote(s.eaVersion));
   JsonAdd(body, "instance", JsonQuote(s.instance));
   JsonAdd(body, "pairing_key", JsonQuote(s.pairingKey));
   JsonAdd(body, "account", AccountJson());
   JsonAdd(body, "terminal", TerminalJson());
   JsonAdd(body, "server_time_msc", JsonInt((long)TimeTradeServer() * 1000));
   body += "}";
   s.helloSent = true;
   s.login = AccountInfoInteger(ACCOUNT_LOGIN);
   s.lastHelloMs = now;
   return SessionSend(s, "hello", body, "");
  }

string Endpoint(const Session &s)
  {
   return s.host + ":" + IntegerToString(s.port);
  }

void SessionConnect(Session &s, const ulong now)
  {
   ResetLastError();
   int socket = SocketCreate();
   int createError = GetLastError();
   if(socket == INVALID_HANDLE)
     {
      SessionScheduleRetry(s, now);
      SessionSetState(s, "disconnected", StringFormat("SocketCreate failed (error %d)", createError));
      return;
     }
   ResetLastError();
   if(!SocketConnect(socket, s.host, (uint)s.port, CONNECT_TIMEOUT_MS))
     {
      int err = GetLastError();
      SocketClose(socket);
      SessionScheduleRetry(s, now);
      if(err == ERR_NOT_ALLOWED)
         SessionSetState(s, "not_allowed", s.host + " is not in the allowed URL list: Tools > Options > Expert Advisors, "
                         + "tick \"Allow WebRequest for listed URL\" and add " + s.host + " (error 4014)");
      else
         SessionSetState(s, "unreachable", "relay not running on " + Endpoint(s)
                         + StringFormat(" (error %d); retrying", err));
      return;
     }
   // Short socket timeouts: a send to a stuck relay must not freeze the terminal's event queue.
   ResetLastError();
   if(!SocketTimeouts(socket, 200, 50))
     {
      int err = GetLastError();
      SocketClose(socket);
      SessionScheduleRetry(s, now);
      SessionSetState(s, "disconnected", StringFormat("SocketTimeouts failed (error %d); retrying", err));
      return;
     }
   s.sessionId = NewSessionId();
   s.seq = 0;
   s.helloSent = false;
   s.accepted = false;
   s.lastRecvMs = now;
   if(!ZmtpStart(s.conn, socket))
     {
      SessionDrop(s, s.conn.error, now);
      return;
     }
   SessionSetState(s, "handshake", "connected to " + Endpoint(s) + ", ZMTP handshake");
  }

void SessionOnWelcome(Session &s, const string json, const ulong now)
  {
   bool accepted = false;
   JsonGetBool(json, "accepted", accepted);
   string reason = "";
   string message = "";
   JsonGetString(json, "reason", reason);
   JsonGetString(json, "message", message);
   long heartbeat = 0;
   if(JsonGetLong(json, "heartbeat_ms", heartbeat) && heartbeat >= 50)
      s.heartbeatMs = (int)heartbeat;
   if(!accepted)
     {
      s.accepted = false;
      SessionSetState(s, "refused", "refused by the relay: " + (message != "" ? message : reason)
                      + " [" + reason + "]; asking again every 5 s");
      return;
     }
   string relayVersion = "";
   JsonGetString(json, "relay_version", relayVersion);
   s.accepted = true;
   s.backoffMs = 0;
   s.lastHeartbeatMs = now;
   s.snapshotDue = true;
   s.snapshotReason = "connect";
   SessionSetState(s, "connected", "connected to relay " + relayVersion + " at " + Endpoint(s)
                   + ", session " + s.sessionId);
  }

void SessionOnMessage(Session &s, const string json, const ulong now)
  {
   string type = "";
   if(!JsonGetString(json, "type", type))
      return;
   if(type == "welcome")
      SessionOnWelcome(s, json, now);
   else
      if(type == "lookup")
        {
         // Answered by Reconcile (Sync.mqh), which knows the book.
         int n = ArraySize(s.lookups);
         if(n < 64)
           {
            ArrayResize(s.lookups, n + 1);
            s.lookups[n] = json;
           }
        }
      else
      if(type == "heartbeat")
        {
         // A relay before api_ok says nothing about the API: take it as working.
         bool apiOk = true;
         string apiError = "";
         JsonGetBool(json, "api_ok", apiOk);
         JsonGetString(json, "api_error", apiError);
         s.apiOk = apiOk;
         s.apiError = apiError;
        }
      else
      if(type == "resync")
        {
         string reason = "";
         JsonGetString(json, "reason", reason);
         if(reason == "unknown_session" && !s.settled)
           {
            // A new session starts only behind the start gate: come back once the terminal is settled.
            SessionDrop(s, "relay lost the session while the terminal is not synchronised", now);
            return;
           }
         if(reason == "unknown_session")
           {
            // The relay lost the session (it restarted): start over at seq 1 on this connection.
            s.accepted = false;
            s.seq = 0;
            SessionSetState(s, "waiting", "relay lost the session; saying hello again");
            SessionHello(s, now);
           }
         else
           {
            s.snapshotDue = true;
            s.snapshotReason = "resync";
           }
        }
  }

string GoodbyeReason(const int reason)
  {
   if(reason == REASON_PROGRAM || reason == REASON_REMOVE)
      return "removed";
   if(reason == REASON_RECOMPILE)
      return "recompiled";
   if(reason == REASON_CHARTCHANGE)
      return "chart_changed";
   if(reason == REASON_CHARTCLOSE)
      return "chart_closed";
   if(reason == REASON_PARAMETERS)
      return "parameters";
   if(reason == REASON_ACCOUNT)
      return "account_changed";
   if(reason == REASON_TEMPLATE)
      return "template";
   if(reason == REASON_INITFAILED)
      return "init_failed";
   if(reason == REASON_CLOSE)
      return "terminal_closed";
   return "unknown";
  }

void SessionGoodbye(Session &s, const int reason)
  {
   if(s.conn.phase == ZMTP_OPEN && s.helloSent)
     {
      string body = "{";
      JsonAdd(body, "reason", JsonQuote(GoodbyeReason(reason)));
      body += "}";
      SessionSend(s, "goodbye", body, GoodbyeReason(reason));
     }
   ZmtpClose(s.conn);
   s.accepted = false;
  }

//--- The start gate. The terminal starts an EA after at most 5 s "with the data available"
//--- (mql5.com/en/docs/runtime/running), and after a reconnect to the trade server or an account
//--- switch it loads positions and orders while the EA runs: an empty list may only mean "not yet".
//--- The gate opens when TERMINAL_CONNECTED is true, ACCOUNT_LOGIN is not 0 and PositionsTotal() and
//--- OrdersTotal() have not changed for SETTLE_MS. It closes when the terminal loses its trade server.
void TerminalGate(Session &s, const ulong now)
  {
   bool connected = TerminalInfoInteger(TERMINAL_CONNECTED) != 0;
   long login = AccountInfoInteger(ACCOUNT_LOGIN);
   if(!connected || login == 0)
     {
      s.settled = false;
      s.settleSince = 0;
      return;
     }
   if(s.settled && login == s.settleLogin)
      return;
   int positions = PositionsTotal();
   int orders = OrdersTotal();
   if(s.settleSince == 0 || login != s.settleLogin || positions != s.settlePositions || orders != s.settleOrders)
     {
      s.settled = false;
      s.settleSince = now;
      s.settleLogin = login;
      s.settlePositions = positions;
      s.settleOrders = orders;
      return;
     }
   if(now - s.settleSince >= SETTLE_MS)
      s.settled = true;
  }

string GateWaitReason()
  {
   if(TerminalInfoInteger(TERMINAL_CONNECTED) == 0)
      return "waiting for the terminal to connect to its trade server";
   if(AccountInfoInteger(ACCOUNT_LOGIN) == 0)
      return "waiting for the terminal to log in to an account";
   return "waiting for the terminal to load positions and orders";
  }

//--- A new account on the same terminal is a new session: nothing of one account is sent as the other's.
void SessionAccountChanged(Session &s, const ulong now)
  {
   SessionGoodbye(s, REASON_ACCOUNT);
   SessionForgetBook(s);
   s.helloSent = false;
   s.snapshotDue = false;
   s.backoffMs = 0;
   s.nextConnectMs = now;
   s.settled = false;
   s.settleSince = 0;
   SessionSetState(s, "waiting", "account changed; new session once the terminal has loaded the new account");
  }

//--- Everything the connection needs on one timer tick; false when it is not usable now.
bool SessionTick(Session &s, const ulong now)
  {
   TerminalGate(s, now);
   if(s.conn.phase != ZMTP_CLOSED && s.helloSent && AccountInfoInteger(ACCOUNT_LOGIN) != s.login)
      SessionAccountChanged(s, now);
   if(s.conn.phase == ZMTP_CLOSED)
     {
      if(!s.settled)
        {
         SessionSetState(s, "waiting", GateWaitReason());
         return false;
        }
      if(now < s.nextConnectMs)
         return false;
      SessionConnect(s, now);
      if(s.conn.phase == ZMTP_CLOSED)
         return false;
     }
   string messages[];
   if(!ZmtpPoll(s.conn, messages))
     {
      SessionDrop(s, s.conn.error, now);
      return false;
     }
   int n = ArraySize(messages);
   if(n > 0)
      s.lastRecvMs = now;
   if(s.conn.phase == ZMTP_OPEN && !s.helloSent && s.settled)
     {
      SessionSetState(s, "waiting", "waiting for the relay's welcome at " + Endpoint(s));
      SessionHello(s, now);
     }
   for(int i = 0; i < n && s.conn.phase == ZMTP_OPEN; i++)
      SessionOnMessage(s, messages[i], now);
   ulong limit = s.accepted ? SILENCE_ACCEPTED_MS : SILENCE_OTHERWISE_MS;
   if(now - s.lastRecvMs > limit)
     {
      SessionDrop(s, StringFormat("relay silent for %d s", (int)(limit / 1000)), now);
      return false;
     }
   if(s.conn.phase == ZMTP_OPEN && !s.accepted && s.helloSent && now - s.lastHelloMs >= REHELLO_MS)
      SessionHello(s, now);
   if(s.accepted && now - s.lastHeartbeatMs >= (ulong)s.heartbeatMs)
     {
      s.lastHeartbeatMs = now;
      SessionSend(s, "heartbeat", "{}", "");
     }
   if(s.conn.phase != ZMTP_OPEN)
      return false;
   if(s.conn.error != "")
     {
      SessionDrop(s, s.conn.error, now);
      return false;
     }
   return s.accepted;
  }

#endif
