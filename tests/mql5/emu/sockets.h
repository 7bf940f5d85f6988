// MQL5 socket functions over POSIX TCP, with MQL5's return values and error codes, as harsh as the reference
// allows (https://www.mql5.com/en/docs/network):
// - SocketIsReadable returns "the number of bytes that can be read", 0 on an idle socket
//   (https://www.mql5.com/en/docs/network/socketisreadable); with speculativeOne it answers 1 on an empty
//   buffer instead (the "speculative 1" of the MQL5 book), so SocketRead then waits its timeout and
//   returns -1 while the socket stays connected;
// - a peer's close is seen only by a read: SocketIsReadable answers 0 and SocketIsConnected stays true
//   until SocketRead finds the end of the stream (the reference says nothing about either noticing it);
// - SocketRead waits up to timeout_ms for buffer_maxlen bytes, then returns what arrived or -1
//   (https://www.mql5.com/en/docs/network/socketread);
// - SocketRead/SocketSend return -1 and set ERR_NETSOCKET_IO_ERROR (5273);
// - SocketConnect blocks up to its timeout; a refused connect takes the whole timeout (emulated time moves
//   on by it: the handler was blocked that long) (https://www.mql5.com/en/docs/network/socketconnect);
// - SocketConnect to a host missing from the terminal's allowed URL list fails with 4014.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <map>
#include "runtime.h"

struct EmuSocket {
  int fd = -1;
  bool connected = false;
};
struct EmuSockets {
  std::map<int, EmuSocket> open;
  int nextHandle = 1;
  bool urlAllowed = true;  // Tools > Options > Expert Advisors > allowed URLs contains the host
  int created = 0;
  int readTimeouts = 0;    // SocketRead calls that waited for nothing (after a speculative 1)
  bool speculativeOne = false;
  unsigned long long bytesSent = 0;
  int connectFailures = 0;
  int badHandleCalls = 0;  // calls with a handle that is not open (e.g. SocketClose(0) after a failed OnInit)
  // Wall time spent waiting inside SocketConnect/SocketRead: the part of a handler that blocks the terminal's thread.
  // The harness adds it to the handler's own CPU time, so a busy machine preempting the test is not counted.
  double blockedMs = 0;
};
inline EmuSockets &EmuSock() {
  static EmuSockets s;
  return s;
}

// A wait inside a blocking builtin holds the terminal for what arrived first: the data or the timeout the EA
// passed. The wall clock around our own wait can run past that timeout when a loaded machine takes the test off
// the CPU (a 1 ms speculative read was once counted as 51 ms); that delay is the machine's, not the EA's, so the
// count stops at the timeout.
inline void EmuBlocked(std::chrono::steady_clock::time_point waitStart, int timeoutMs) {
  double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - waitStart).count();
  EmuSock().blockedMs += waited < double(timeoutMs) ? waited : double(timeoutMs);
}

inline EmuSocket *EmuFind(int socket) {
  auto it = EmuSock().open.find(socket);
  if (it == EmuSock().open.end()) {
    EmuSock().badHandleCalls++;
    EmuSetError(ERR_NETSOCKET_INVALIDHANDLE);
    return nullptr;
  }
  return &it->second;
}

inline int SocketCreate(uint flags = 0) {
  (void)flags;
  if (Emu().tester) {
    EmuSetError(ERR_FUNCTION_NOT_ALLOWED);
    return INVALID_HANDLE;
  }
  if (EmuSock().open.size() >= 128) {
    EmuSetError(ERR_NETSOCKET_TOO_MANY_OPENED);
    return INVALID_HANDLE;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    EmuSetError(ERR_NETSOCKET_TOO_MANY_OPENED);
    return INVALID_HANDLE;
  }
  int h = EmuSock().nextHandle++;
  EmuSock().open[h].fd = fd;
  EmuSock().created++;
  return h;
}

inline bool SocketConnect(int socket, const string &server, uint port, uint timeout_receive_ms) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return false;
  if (!EmuSock().urlAllowed) {
    EmuSetError(ERR_FUNCTION_NOT_ALLOWED);
    return false;
  }
  std::string host = server.utf8();
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    EmuSetError(ERR_NETSOCKET_CANNOT_CONNECT);
    return false;
  }
  int flags = fcntl(s->fd, F_GETFL, 0);
  fcntl(s->fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(s->fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{s->fd, POLLOUT, 0};
    auto waitStart = std::chrono::steady_clock::now();
    rc = ::poll(&p, 1, int(timeout_receive_ms)) == 1 ? 0 : -1;
    EmuBlocked(waitStart, int(timeout_receive_ms));
    int err = 0;
    socklen_t len = sizeof err;
    if (rc == 0 && (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) rc = -1;
  }
  fcntl(s->fd, F_SETFL, flags);
  if (rc != 0) {
    int failures = ++EmuSock().connectFailures;
    Emu().tickMs += timeout_receive_ms;
    if (Emu().echo) std::cout << "SOCKET connect-failed " << failures << " " << host << ":" << port << std::endl;
    EmuSetError(ERR_NETSOCKET_CANNOT_CONNECT);
    return false;
  }
  s->connected = true;
  return true;
}

inline bool SocketClose(const int socket) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return false;
  ::close(s->fd);
  EmuSock().open.erase(socket);
  return true;
}

inline bool SocketIsConnected(const int socket) {
  EmuSocket *s = EmuFind(socket);
  return s && s->connected;
}

inline void EmuBroken(EmuSocket *s) {
  s->connected = false;
  EmuSetError(ERR_NETSOCKET_IO_ERROR);
}

inline uint SocketIsReadable(const int socket) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return 0;
  if (!s->connected) {
    EmuSetError(ERR_NETSOCKET_IO_ERROR);
    return 0;
  }
  int n = 0;
  if (ioctl(s->fd, FIONREAD, &n) == 0 && n > 0) return uint(n);
  return EmuSock().speculativeOne ? 1 : 0;  // idle, or the peer closed: only a read tells
}

inline bool SocketIsWritable(const int socket) {
  EmuSocket *s = EmuFind(socket);
  return s && s->connected;
}

inline bool SocketTimeouts(int socket, uint timeout_send_ms, uint timeout_receive_ms) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return false;
  timeval snd{long(timeout_send_ms / 1000), long((timeout_send_ms % 1000) * 1000)};
  timeval rcv{long(timeout_receive_ms / 1000), long((timeout_receive_ms % 1000) * 1000)};
  setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof snd);
  setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof rcv);
  return true;
}

// Waits up to timeout_ms (0 means MQL5's default of 120 s) for buffer_maxlen bytes, then returns what
// arrived (at most buffer_maxlen, written from index 0 of buffer, which grows if it is too small), or -1
// when nothing did. The end of the stream (the peer closed) disconnects the socket here and only here.
inline int SocketRead(int socket, MqlArray<uchar> &buffer, uint buffer_maxlen, uint timeout_ms) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return -1;
  if (!s->connected || buffer_maxlen == 0) {
    EmuSetError(ERR_NETSOCKET_IO_ERROR);
    return -1;
  }
  int waitMs = timeout_ms == 0 ? 120000 : int(timeout_ms);
  auto waitStart = std::chrono::steady_clock::now();
  auto deadline = waitStart + std::chrono::milliseconds(waitMs);
  for (;;) {
    int n = 0;
    if (ioctl(s->fd, FIONREAD, &n) == 0 && n >= int(buffer_maxlen)) break;
    pollfd p{s->fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) break;  // no more will come
    if (std::chrono::steady_clock::now() >= deadline) break;
    ::poll(nullptr, 0, 1);
  }
  EmuBlocked(waitStart, waitMs);
  std::vector<uchar> tmp(buffer_maxlen);
  ssize_t got = ::recv(s->fd, tmp.data(), tmp.size(), MSG_DONTWAIT);
  if (got == 0) {
    EmuBroken(s);
    return -1;
  }
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      EmuSock().readTimeouts++;
      EmuSetError(ERR_NETSOCKET_IO_ERROR);
      return -1;
    }
    EmuBroken(s);
    return -1;
  }
  if (ArraySize(buffer) < int(got)) ArrayResize(buffer, int(got));
  for (ssize_t i = 0; i < got; i++) buffer[i] = tmp[size_t(i)];
  return int(got);
}

// Blocks until all buffer_len bytes are written or the send timeout passes.
inline int SocketSend(int socket, const MqlArray<uchar> &buffer, uint buffer_len) {
  EmuSocket *s = EmuFind(socket);
  if (!s) return -1;
  if (!s->connected || buffer_len > uint(ArraySize(buffer))) {
    EmuSetError(ERR_NETSOCKET_IO_ERROR);
    return -1;
  }
  size_t done = 0;
  while (done < buffer_len) {
    ssize_t n = ::send(s->fd, buffer.v.data() + done, buffer_len - done, MSG_NOSIGNAL);
    if (n <= 0) {
      EmuBroken(s);
      return -1;
    }
    done += size_t(n);
  }
  EmuSock().bytesSent += done;
  return int(done);
}
