// Errors, time, logging, chart text, timer and randomness. Time is the harness's: it advances only
// when the scripted terminal says so, which keeps scenarios deterministic.
#pragma once
#include <iostream>
#include <sstream>
#include "strings.h"

#define INVALID_HANDLE (-1)
#define INIT_SUCCEEDED 0
#define INIT_FAILED 1
#define INIT_PARAMETERS_INCORRECT 32767
#define ERR_SUCCESS 0
#define ERR_FUNCTION_NOT_ALLOWED 4014
#define ERR_NETSOCKET_INVALIDHANDLE 5270
#define ERR_NETSOCKET_TOO_MANY_OPENED 5271
#define ERR_NETSOCKET_CANNOT_CONNECT 5272
#define ERR_NETSOCKET_IO_ERROR 5273

enum ENUM_INIT_REASON_EMU {
  REASON_PROGRAM = 0, REASON_REMOVE = 1, REASON_RECOMPILE = 2, REASON_CHARTCHANGE = 3,
  REASON_CHARTCLOSE = 4, REASON_PARAMETERS = 5, REASON_ACCOUNT = 6, REASON_TEMPLATE = 7,
  REASON_INITFAILED = 8, REASON_CLOSE = 9
};

enum ENUM_MQL_INFO_INTEGER { MQL_TESTER = 1, MQL_OPTIMIZATION = 2, MQL_VISUAL_MODE = 3, MQL_DEBUG = 4 };

struct EmuRuntime {
  int lastError = 0;
  ulong tickMs = 1000000;            // GetTickCount64
  ulong microExtra = 0;              // keeps GetMicrosecondCount strictly increasing
  datetime serverEpoch = 1767261600;  // 2026-01-01 10:00:00 server time at tickMs 1000000
  bool tester = false;
  long chartId = 133000000000000001;
  int uninitReason = REASON_REMOVE;
  int timerMs = 0;
  std::string comment;
  std::vector<std::string> prints;
  unsigned randState = 1;
  bool echo = true;  // Print and Comment changes go to stdout for the harness's caller
};
inline EmuRuntime &Emu() {
  static EmuRuntime r;
  return r;
}

inline int GetLastError() { return Emu().lastError; }
inline void ResetLastError() { Emu().lastError = 0; }
inline void EmuSetError(int e) { Emu().lastError = e; }

inline ulong GetTickCount64() { return Emu().tickMs; }
inline uint GetTickCount() { return uint(Emu().tickMs & 0xFFFFFFFFu); }
inline ulong GetMicrosecondCount() { return Emu().tickMs * 1000 + (Emu().microExtra++ % 1000); }
inline datetime TimeCurrent() { return Emu().serverEpoch + datetime((Emu().tickMs - 1000000) / 1000); }
inline datetime TimeTradeServer() { return TimeCurrent(); }
inline datetime TimeLocal() { return TimeCurrent() - 2 * 3600; }

inline bool EventSetMillisecondTimer(int ms) {
  if (ms <= 0) return false;
  Emu().timerMs = ms;
  return true;
}
inline void EventKillTimer() { Emu().timerMs = 0; }

// MQL5's Print joins any arguments' text without separators.
inline void EmuAppend(std::ostringstream &o, const string &s) { o << s.utf8(); }
inline void EmuAppend(std::ostringstream &o, const char *s) { o << s; }
template <typename T>
void EmuAppend(std::ostringstream &o, const T &v) { o << v; }
template <typename... A>
void Print(const A &...args) {
  std::ostringstream o;
  (EmuAppend(o, args), ...);
  Emu().prints.push_back(o.str());
  if (Emu().echo) std::cout << "PRINT " << o.str() << std::endl;
}
template <typename... A>
void PrintFormat(const string &format, const A &...args) { Print(StringFormat(format, args...)); }

inline void Comment(const string &text) {
  Emu().comment = text.utf8();
  if (Emu().echo) {
    std::string oneLine = Emu().comment;
    for (char &c : oneLine) if (c == '\n') c = '|';
    std::cout << "COMMENT " << oneLine << std::endl;
  }
}

inline long MQLInfoInteger(ENUM_MQL_INFO_INTEGER p) { return p == MQL_TESTER ? (Emu().tester ? 1 : 0) : 0; }
inline long ChartID() { return Emu().chartId; }
inline int UninitializeReason() { return Emu().uninitReason; }

// MQL5: rand() in [0, 32767].
inline void MathSrand(int seed) { Emu().randState = unsigned(seed); }
inline int MathRand() {
  Emu().randState = Emu().randState * 1103515245u + 12345u;
  return int((Emu().randState >> 16) & 0x7FFF);
}
