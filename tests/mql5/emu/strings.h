// String builtins with MQL5's signatures and quirks: StringToCharArray copies the terminating zero
// and converts through a code page; CharArrayToString stops at a zero byte.
#pragma once
#include <cmath>
#include <cstring>
#include <ctime>
#include <type_traits>
#include "arrays.h"

#define CP_ACP 0
#define CP_UTF8 65001
#define TIME_DATE 1
#define TIME_MINUTES 2
#define TIME_SECONDS 4

inline int StringLen(const string &s) { return int(s.u.size()); }

inline ushort StringGetCharacter(const string &s, int pos) {
  if (pos < 0 || pos >= int(s.u.size())) return 0;  // MQL5 answers 0 (and sets an error) out of range
  return s.u[size_t(pos)];
}

inline string StringSubstr(const string &s, int start, int length = -1) {
  if (start < 0 || start >= int(s.u.size())) return string();
  if (length < 0 || start + length > int(s.u.size())) length = int(s.u.size()) - start;
  return string(s.u.substr(size_t(start), size_t(length)));
}

inline int StringFind(const string &s, const string &match, int start = 0) {
  if (start < 0) start = 0;
  size_t p = s.u.find(match.u, size_t(start));
  return p == std::u16string::npos ? -1 : int(p);
}

inline string ShortToString(ushort c) { return string(std::u16string(1, char16_t(c))); }

inline std::string EmuToBytes(const string &s, uint codepage) {
  if (codepage == CP_UTF8) return s.utf8();
  std::string out;  // CP_ACP on an English Windows: Latin-1, '?' for the rest
  for (char16_t c : s.u) out += c < 0x100 ? char(c) : '?';
  return out;
}

// count=-1 copies the whole string and its terminating zero; the dynamic array grows as needed and
// is never shrunk. Returns the number of elements copied (the zero included).
inline int StringToCharArray(const string &text, MqlArray<uchar> &array, int start = 0, int count = -1,
                             uint codepage = CP_ACP) {
  std::string bytes = EmuToBytes(text, codepage);
  bytes.push_back('\0');
  int n = int(bytes.size());
  if (count >= 0 && count < n) n = count;
  if (start < 0) return 0;
  if (int(array.v.size()) < start + n) array.v.resize(size_t(start + n));
  for (int i = 0; i < n; i++) array.v[size_t(start + i)] = uchar(bytes[size_t(i)]);
  return n;
}

inline string CharArrayToString(const MqlArray<uchar> &array, int start = 0, int count = -1,
                                uint codepage = CP_ACP) {
  int size = int(array.v.size());
  if (start < 0 || start >= size) return string();
  int end = (count < 0 || start + count > size) ? size : start + count;
  std::string bytes;
  for (int i = start; i < end && array.v[size_t(i)] != 0; i++) bytes += char(array.v[size_t(i)]);
  if (codepage == CP_UTF8) return string(bytes.c_str());
  std::u16string w;
  for (unsigned char b : bytes) w += char16_t(b);
  return string(w);
}

inline string IntegerToString(long number, int str_len = 0, ushort fill_symbol = ' ') {
  std::string s = std::to_string(number);
  while (int(s.size()) < str_len) s.insert(s.begin(), char(fill_symbol));
  return string(s.c_str());
}

inline string DoubleToString(double value, int digits = 8) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return string(buf);
}

inline double StringToDouble(const string &s) { return std::strtod(s.utf8().c_str(), nullptr); }
inline long StringToInteger(const string &s) { return std::strtol(s.utf8().c_str(), nullptr, 10); }

// MQL5's StringFormat takes strings for %s; C's snprintf takes char*. Everything else passes as is.
template <typename T>
struct EmuArgHolder {
  static_assert(std::is_arithmetic<T>::value || std::is_enum<T>::value,
                "StringFormat argument must be a number or a string");
  T value;
  explicit EmuArgHolder(const T &v) : value(v) {}
  const T &get() const { return value; }
};
template <>
struct EmuArgHolder<string> {
  std::string value;
  explicit EmuArgHolder(const string &v) : value(v.utf8()) {}
  const char *get() const { return value.c_str(); }
};
template <size_t N>
struct EmuArgHolder<char[N]> {
  const char *value;
  explicit EmuArgHolder(const char (&v)[N]) : value(v) {}
  const char *get() const { return value; }
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
template <typename... A>
string EmuFormatHeld(const string &format, const A &...held) {
  std::string f = format.utf8();
  int n = std::snprintf(nullptr, 0, f.c_str(), held.get()...);
  if (n < 0) return string();
  std::string out(size_t(n) + 1, '\0');
  std::snprintf(&out[0], out.size(), f.c_str(), held.get()...);
  out.resize(size_t(n));
  return string(out.c_str());
}
#pragma GCC diagnostic pop

template <typename... A>
string StringFormat(const string &format, const A &...args) {
  return EmuFormatHeld(format, EmuArgHolder<A>(args)...);
}

inline string TimeToString(datetime value, int mode = TIME_DATE | TIME_MINUTES) {
  time_t t = time_t(value);
  struct tm tmv;
  gmtime_r(&t, &tmv);
  char buf[64] = "";
  std::string out;
  if (mode & TIME_DATE) {
    std::strftime(buf, sizeof buf, "%Y.%m.%d", &tmv);
    out += buf;
  }
  if (mode & (TIME_MINUTES | TIME_SECONDS)) {
    std::strftime(buf, sizeof buf, (mode & TIME_SECONDS) ? "%H:%M:%S" : "%H:%M", &tmv);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return string(out.c_str());
}

inline bool MathIsValidNumber(double x) { return std::isfinite(x); }
inline double MathRound(double x) { return std::round(x); }
inline double MathAbs(double x) { return std::fabs(x); }
