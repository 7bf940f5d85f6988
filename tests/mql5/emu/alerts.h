// What the EA uses to reach the trader: Alert, SendNotification, the terminal's language and whether push
// notifications are set up, plus StringReplace (the EA's translations use it). Everything is recorded for the tests
// and echoed as ALERT / NOTIFY lines for the harness's caller.
#pragma once
#include <iostream>
#include <sstream>
#include <vector>
#include "runtime.h"
#include "strings.h"

// https://www.mql5.com/en/docs/network/sendnotification: 4515 send failed, 4516 wrong parameter (over 255
// characters), 4517 wrong settings (no MetaQuotes ID / notifications off), 4518 too frequent (more than 2 a second or
// 10 a minute; the terminal may then disable the function).
#define ERR_NOTIFICATION_SEND_FAILED 4515
#define ERR_NOTIFICATION_WRONG_PARAMETER 4516
#define ERR_NOTIFICATION_WRONG_SETTINGS 4517
#define ERR_NOTIFICATION_TOO_FREQUENT 4518

// https://www.mql5.com/en/docs/constants/environment_state/terminalstatus: TERMINAL_NOTIFICATIONS_ENABLED is one of
// ENUM_TERMINAL_INFO_INTEGER; here a separate enum overloads TerminalInfoInteger so terminal.h stays as it is.
enum ENUM_TERMINAL_INFO_INTEGER_NOTIFY { TERMINAL_NOTIFICATIONS_ENABLED = 1000 };

struct EmuAlerts {
  std::vector<std::string> alerts;
  std::vector<std::string> notifications;
  std::vector<ulong> notificationTimes;  // GetTickCount64 of each accepted push, for the rate limit
  bool notificationsEnabled = false;
  // TerminalInfoString(TERMINAL_LANGUAGE) answers the terminal's interface language by name ("English",
  // "Portuguese (Brazil)", …).
  std::string language = "English";
};
inline EmuAlerts &EmuAlert() {
  static EmuAlerts a;
  return a;
}
inline const std::string &EmuLanguage() { return EmuAlert().language; }

// https://www.mql5.com/en/docs/common/alert: shows a window and writes the Experts log; arguments are joined like
// Print's. It does not work in the Strategy Tester (the EA is idle there anyway).
template <typename... A>
void Alert(const A &...args) {
  std::ostringstream o;
  (EmuAppend(o, args), ...);
  EmuAlert().alerts.push_back(o.str());
  if (Emu().echo) std::cout << "ALERT " << o.str() << std::endl;
}

inline long TerminalInfoInteger(ENUM_TERMINAL_INFO_INTEGER_NOTIFY) { return EmuAlert().notificationsEnabled ? 1 : 0; }

inline bool SendNotification(const string &text) {
  EmuAlerts &a = EmuAlert();
  if (!a.notificationsEnabled) { EmuSetError(ERR_NOTIFICATION_WRONG_SETTINGS); return false; }
  if (StringLen(text) == 0 || StringLen(text) > 255) { EmuSetError(ERR_NOTIFICATION_WRONG_PARAMETER); return false; }
  ulong now = GetTickCount64();
  int lastSecond = 0, lastMinute = 0;
  for (ulong t : a.notificationTimes) {
    if (now - t < 1000) lastSecond++;
    if (now - t < 60000) lastMinute++;
  }
  if (lastSecond >= 2 || lastMinute >= 10) { EmuSetError(ERR_NOTIFICATION_TOO_FREQUENT); return false; }
  a.notificationTimes.push_back(now);
  a.notifications.push_back(text.utf8());
  if (Emu().echo) std::cout << "NOTIFY " << text.utf8() << std::endl;
  return true;
}

// https://www.mql5.com/en/docs/strings/stringreplace: replaces every occurrence in place, returns how many (-1 on
// an error such as an empty search string).
inline int StringReplace(string &str, const string &find, const string &replacement) {
  if (find.u.empty()) return -1;
  int count = 0;
  size_t at = 0;
  while ((at = str.u.find(find.u, at)) != std::u16string::npos) {
    str.u.replace(at, find.u.size(), replacement.u);
    at += replacement.u.size();
    count++;
  }
  return count;
}
