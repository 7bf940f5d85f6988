//+------------------------------------------------------------------+
//| MasterSender.mq5: pushes every position and pending-order change |
//| of this terminal to the local MasterSender relay (ZMTP over TCP, |
//| no DLL). Wire format: docs/protocol.md.                          |
//+------------------------------------------------------------------+
#property copyright "MasterSender"
#property version   "0.20"
#property description "Sends positions and pending orders to the MasterSender relay on 127.0.0.1."
#property description "Add 127.0.0.1 to Tools > Options > Expert Advisors > Allow WebRequest for listed URL."

#include <MasterSender/Sync.mqh>
#include <MasterSender/ChartText.mqh>
#include <MasterSender/Alerts.mqh>

// Equal to #property version (tests/mql5/run checks): MQL5 shows that one in the Navigator.
#define EA_VERSION "0.20"

input string RelayHost       = "127.0.0.1"; // Relay host
input int    RelayPort       = 47800;       // Relay port
input string PairingKey      = "";          // Pairing key (optional)
input int    ReconcileMs     = 50;          // Reconciliation period, ms
input int    SnapshotSeconds = 5;           // Full snapshot at least every, s
input int    AlertAfterSeconds = 30;        // Alert when copying stopped for, s (0: never)

Session g_session;
string  g_shown = "";
bool    g_idle = false;
AlertWatch g_alerts;

void OnTimer()
  {
   if(g_idle)
      return;
   ulong now = GetTickCount64();
   if(SessionTick(g_session, now))
      Reconcile(g_session, now);
   if(AlertAfterSeconds > 0)
      AlertsWatch(g_alerts, g_session, now, (ulong)AlertAfterSeconds * 1000);
   ChartTextShow(g_shown, ChartTextFor(g_session));
  }

int OnInit()
  {
   // Globals survive a symbol or period change (OnDeinit + OnInit without reloading the program): the chart
   // text must be shown again, and OnDeinit after a refused OnInit must find no socket to close.
   g_shown = "";
   ZmtpReset(g_session.conn);
   LangInit();
   AlertWatchInit(g_alerts);
   if(MQLInfoInteger(MQL_TESTER) != 0)
     {
      // Sockets do not work in the Strategy Tester; an idle EA keeps tests of other EAs harmless.
      g_idle = true;
      ChartTextShow(g_shown, StringFormat(Tr("MasterSender %s: idle in the Strategy Tester (sockets are not available there)",
                                             "MasterSender %s: parado no Testador de Estratégia (lá não há sockets)"), EA_VERSION));
      return INIT_SUCCEEDED;
     }
   if(StringLen(RelayHost) == 0 || RelayPort <= 0 || RelayPort > 65535 || ReconcileMs < 10 || SnapshotSeconds < 1
      || AlertAfterSeconds < 0)
     {
      Print(Tr("MasterSender: invalid inputs (RelayHost not empty, RelayPort 1-65535, ReconcileMs >= 10, SnapshotSeconds >= 1, AlertAfterSeconds >= 0)",
               "MasterSender: parâmetros inválidos (RelayHost não vazio, RelayPort 1-65535, ReconcileMs >= 10, SnapshotSeconds >= 1, AlertAfterSeconds >= 0)"));
      return INIT_PARAMETERS_INCORRECT;
     }
   MathSrand((int)(GetTickCount() ^ (uint)(GetMicrosecondCount() & 0xFFFFFFFF)));
   string instance = TerminalInfoString(TERMINAL_DATA_PATH) + "|" + IntegerToString(ChartID());
   SessionInit(g_session, RelayHost, RelayPort, PairingKey, (ulong)SnapshotSeconds * 1000, instance, EA_VERSION);
   if(!EventSetMillisecondTimer(ReconcileMs))
     {
      Print(Tr("MasterSender: EventSetMillisecondTimer failed, error ", "MasterSender: EventSetMillisecondTimer falhou, erro "), GetLastError());
      return INIT_FAILED;
     }
   OnTimer();
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   if(g_idle)
     {
      Comment("");
      return;
     }
   EventKillTimer();
   SessionGoodbye(g_session, reason);
   Comment("");
  }

void OnTradeTransaction(const MqlTradeTransaction &trans, const MqlTradeRequest &request, const MqlTradeResult &result)
  {
   if(g_idle)
      return;
   HandleTransaction(g_session, trans, GetTickCount64());
  }
//+------------------------------------------------------------------+
