// MQL5's value types for g++: string (UTF-16, like MQL5's), dynamic arrays, input variables.
// Harness-only C++: the EA itself never sees std:: or classes.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef long long datetime;  // seconds since 1970, 8 bytes as in MQL5
typedef unsigned int color;
typedef uint64_t ulong;
// MQL5's long is 64-bit everywhere; so is the platform's long on Linux x86-64.
static_assert(sizeof(long) == 8, "the harness assumes LP64");

// Source literals are UTF-8; MQL5 strings are UTF-16 code units.
inline std::u16string EmuUtf8ToU16(const char *p) {
  std::u16string out;
  const unsigned char *s = reinterpret_cast<const unsigned char *>(p);
  while (*s) {
    uint32_t cp = *s++;
    int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
    if (extra) cp &= (0x3F >> extra);
    for (int i = 0; i < extra && (*s & 0xC0) == 0x80; i++) cp = (cp << 6) | (*s++ & 0x3F);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += char16_t(0xD800 + (cp >> 10));
      out += char16_t(0xDC00 + (cp & 0x3FF));
    } else {
      out += char16_t(cp);
    }
  }
  return out;
}

// Windows' WideCharToMultiByte(CP_UTF8) turns a lone surrogate into U+FFFD; so does this.
inline std::string EmuU16ToUtf8(const std::u16string &u) {
  std::string out;
  for (size_t i = 0; i < u.size(); i++) {
    uint32_t cp = u[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      i++;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

// A value type with + concatenation and ==, like MQL5's string. No conversion to const char*,
// so EA code cannot lean on C string behaviour by accident.
class string {
 public:
  std::u16string u;
  string() {}
  string(const char *utf8) : u(EmuUtf8ToU16(utf8)) {}
  explicit string(const std::u16string &w) : u(w) {}
  string &operator+=(const string &o) { u += o.u; return *this; }
  string &operator+=(const char *o) { u += EmuUtf8ToU16(o); return *this; }
  std::string utf8() const { return EmuU16ToUtf8(u); }
};
inline string operator+(const string &a, const string &b) { return string(a.u + b.u); }
inline string operator+(const string &a, const char *b) { return string(a.u + EmuUtf8ToU16(b)); }
inline string operator+(const char *a, const string &b) { return string(EmuUtf8ToU16(a) + b.u); }
inline bool operator==(const string &a, const string &b) { return a.u == b.u; }
inline bool operator==(const string &a, const char *b) { return a.u == EmuUtf8ToU16(b); }
inline bool operator==(const char *a, const string &b) { return b == a; }
inline bool operator!=(const string &a, const string &b) { return !(a == b); }
inline bool operator!=(const string &a, const char *b) { return !(a == b); }
inline bool operator!=(const char *a, const string &b) { return !(b == a); }

[[noreturn]] inline void EmuCritical(const char *what) {
  // MQL5 stops the program with a critical error (e.g. "array out of range"); so does the harness.
  std::fprintf(stderr, "MQL5 CRITICAL: %s\n", what);
  std::abort();
}

// `T name[]` of MQL5 (the build's rewrite step turns it into MqlArray<T> name).
template <typename T>
class MqlArray {
 public:
  std::vector<T> v;
  T &operator[](long long i) {
    if (i < 0 || i >= (long long)v.size()) EmuCritical("array out of range");
    return v[size_t(i)];
  }
  const T &operator[](long long i) const {
    if (i < 0 || i >= (long long)v.size()) EmuCritical("array out of range");
    return v[size_t(i)];
  }
};

// `input T name = value;` of MQL5: readable like a T, not assignable by the EA (MQL5 inputs are const);
// only the harness changes it, as a user would in the inputs dialog.
template <typename T>
class MqlInput {
  T value;

 public:
  explicit MqlInput(const T &v) : value(v) {}
  MqlInput(const MqlInput &) = delete;
  MqlInput &operator=(const MqlInput &) = delete;
  MqlInput &operator=(const T &) = delete;
  operator const T &() const { return value; }
  void HarnessSetByUser(const T &v) { value = v; }
};
