// Builtins a script uses beyond the EA's: Sleep (time passes, and the terminal runs the other programs
// meanwhile), IsStopped, TimeGMT, TimeToStruct, NormalizeDouble, a few Math* functions, and WebRequest as
// real HTTP/1.1 over loopback. Include after mql5_emulation.h. The EA never includes this.
//
// Reference pages followed:
//   WebRequest     https://www.mql5.com/en/docs/network/webrequest (second form: method, url, headers, timeout,
//                  data[], result[], result_headers; returns the HTTP status or -1 with the error in GetLastError)
//   allowed URLs   https://www.mql5.com/en/book/advanced/network (an entry may be a domain, an IP address or a
//                  URL fragment including a port; worst case modelled: an entry allows a URL only when the URL
//                  starts with it, so `127.0.0.1` alone does not allow http://127.0.0.1:47801/)
//   Runtime errors https://www.mql5.com/en/docs/constants/errorswarnings/errorcodes
//                  (4014 ERR_FUNCTION_NOT_ALLOWED, 5200 ERR_WEBREQUEST_INVALID_ADDRESS, 5201 _CONNECT_FAILED,
//                  5202 _TIMEOUT, 5203 _REQUEST_FAILED)
//   Sleep          https://www.mql5.com/en/docs/common/sleep
//   TimeGMT        https://www.mql5.com/en/docs/dateandtime/timegmt (from the computer's clock, seconds)
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#define ERR_WEBREQUEST_INVALID_ADDRESS 5200
#define ERR_WEBREQUEST_CONNECT_FAILED 5201
#define ERR_WEBREQUEST_TIMEOUT 5202
#define ERR_WEBREQUEST_REQUEST_FAILED 5203

struct EmuProgram {
  // The harness runs the terminal (the EA's events and timer, the market) for ms of emulated time.
  std::function<void(uint)> sleep = [](uint ms) { Emu().tickMs += ms; };
  bool stopped = false;
  // Tools > Options > Expert Advisors > Allow WebRequest for listed URL.
  std::vector<std::string> allowedUrls{"127.0.0.1"};
  int webRequests = 0;
};
inline EmuProgram &Program() {
  static EmuProgram p;
  return p;
}

inline void Sleep(int milliseconds) { Program().sleep(uint(milliseconds < 0 ? 0 : milliseconds)); }
inline bool IsStopped() { return Program().stopped; }

// The relay compares against its own clock: TimeGMT is the machine's, not the emulated server time.
inline datetime TimeGMT() {
  return datetime(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

struct MqlDateTime {
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0, day_of_week = 0, day_of_year = 0;
};
inline bool TimeToStruct(datetime value, MqlDateTime &out) {
  time_t t = time_t(value);
  struct tm tmv;
  if (!gmtime_r(&t, &tmv)) return false;
  out.year = tmv.tm_year + 1900;
  out.mon = tmv.tm_mon + 1;
  out.day = tmv.tm_mday;
  out.hour = tmv.tm_hour;
  out.min = tmv.tm_min;
  out.sec = tmv.tm_sec;
  out.day_of_week = tmv.tm_wday;
  out.day_of_year = tmv.tm_yday;
  return true;
}

inline double NormalizeDouble(double value, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(value * f) / f;
}
inline double MathFloor(double x) { return std::floor(x); }
inline double MathMax(double a, double b) { return a > b ? a : b; }
inline double MathMin(double a, double b) { return a < b ? a : b; }

// MQL5 accepts a char[] where CharArrayToString wants uchar[] (WebRequest's result is char[]).
inline string CharArrayToString(const MqlArray<char> &array, int start = 0, int count = -1, uint codepage = CP_ACP) {
  MqlArray<uchar> bytes;
  for (char c : array.v) bytes.v.push_back(uchar(c));
  return CharArrayToString(bytes, start, count, codepage);
}

inline bool EmuUrlAllowed(const std::string &url) {
  for (const std::string &entry : Program().allowedUrls)
    if (!entry.empty() && url.compare(0, entry.size(), entry) == 0 &&
        (url.size() == entry.size() || url[entry.size()] == '/' || url[entry.size()] == '?'))
      return true;
  return false;
}

inline int EmuWebFail(int error) {
  EmuSetError(error);
  return -1;
}

// HTTP/1.1 body with chunked transfer coding undone (Kestrel chunks a response of unknown length).
inline bool EmuDechunk(const std::string &in, std::string &out) {
  size_t i = 0;
  while (true) {
    size_t eol = in.find("\r\n", i);
    if (eol == std::string::npos) return false;
    size_t size = std::strtoul(in.substr(i, eol - i).c_str(), nullptr, 16);
    if (size == 0) return true;
    if (eol + 2 + size > in.size()) return false;
    out += in.substr(eol + 2, size);
    i = eol + 2 + size + 2;
  }
}

inline int WebRequest(const string &method, const string &url, const string &headers, int timeout,
                      const MqlArray<char> &data, MqlArray<char> &result, string &result_headers) {
  Program().webRequests++;
  std::string u = url.utf8();
  const std::string scheme = "http://";
  if (u.compare(0, scheme.size(), scheme) != 0) return EmuWebFail(ERR_WEBREQUEST_INVALID_ADDRESS);  // https is not emulated
  size_t hostEnd = u.find_first_of(":/?", scheme.size());
  std::string host = u.substr(scheme.size(), hostEnd == std::string::npos ? std::string::npos : hostEnd - scheme.size());
  int port = 80;
  size_t pathAt = u.find_first_of("/?", scheme.size());
  if (hostEnd != std::string::npos && u[hostEnd] == ':') port = std::atoi(u.substr(hostEnd + 1, pathAt - hostEnd - 1).c_str());
  std::string path = pathAt == std::string::npos ? "/" : u.substr(pathAt);
  if (host.empty() || port <= 0 || port > 65535) return EmuWebFail(ERR_WEBREQUEST_INVALID_ADDRESS);
  if (!EmuUrlAllowed(u)) return EmuWebFail(ERR_FUNCTION_NOT_ALLOWED);
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return EmuWebFail(ERR_WEBREQUEST_INVALID_ADDRESS);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return EmuWebFail(ERR_WEBREQUEST_REQUEST_FAILED);
  timeval tv{long(timeout / 1000), long((timeout % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return EmuWebFail(ERR_WEBREQUEST_CONNECT_FAILED);
  }
  std::string request = method.utf8() + " " + path + " HTTP/1.1\r\nHost: " + u.substr(scheme.size(), pathAt - scheme.size()) +
                        "\r\nConnection: close\r\nUser-Agent: MetaTrader 5 Terminal/5.4755 (Windows NT 10.0)\r\n" + headers.utf8();
  if (!request.empty() && request.substr(request.size() - 2) != "\r\n") request += "\r\n";
  if (!data.v.empty()) request += "Content-Length: " + std::to_string(data.v.size()) + "\r\n";
  request += "\r\n";
  request.append(data.v.begin(), data.v.end());
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
    ::close(fd);
    return EmuWebFail(ERR_WEBREQUEST_REQUEST_FAILED);
  }
  std::string response;
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      response.append(buf, size_t(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ::close(fd);
      return EmuWebFail(ERR_WEBREQUEST_TIMEOUT);
    }
    break;
  }
  ::close(fd);
  size_t headEnd = response.find("\r\n\r\n");
  if (response.compare(0, 5, "HTTP/") != 0 || headEnd == std::string::npos) return EmuWebFail(ERR_WEBREQUEST_REQUEST_FAILED);
  int status = std::atoi(response.substr(response.find(' ') + 1, 3).c_str());
  std::string head = response.substr(0, headEnd + 2), body = response.substr(headEnd + 4);
  std::string lower = head;
  for (char &c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    std::string plain;
    if (!EmuDechunk(body, plain)) return EmuWebFail(ERR_WEBREQUEST_REQUEST_FAILED);
    body = plain;
  }
  result_headers = string(head.substr(head.find("\r\n") + 2).c_str());
  result.v.assign(body.begin(), body.end());
  return status;
}
