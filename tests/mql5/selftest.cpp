// Self-tests of the EA's own code (compiled unchanged) and of the emulation's MQL5 quirks.
// Prints one line per failure and a last line "N passed, N failed".
#include <sys/socket.h>
#include <chrono>
#include <cmath>
#include <type_traits>
#include "mql5_emulation.h"
#include "Experts/MasterSender.mq5"

namespace {
int passed = 0, failed = 0;
void Check(bool ok, const std::string &what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::cout << "FAIL " << what << std::endl;
  }
}
std::vector<uchar> Bytes(const MqlArray<uchar> &a, int n = -1) {
  return std::vector<uchar>(a.v.begin(), a.v.begin() + (n < 0 ? int(a.v.size()) : n));
}
std::vector<uchar> Bytes(std::initializer_list<int> l) {
  std::vector<uchar> v;
  for (int x : l) v.push_back(uchar(x));
  return v;
}
void Append(std::vector<uchar> &v, const std::string &s) { v.insert(v.end(), s.begin(), s.end()); }
MqlArray<uchar> Arr(const std::vector<uchar> &v) {
  MqlArray<uchar> a;
  a.v = v;
  return a;
}
std::string S(const string &s) { return s.utf8(); }

// An emulated MQL5 socket handle over one end of a local socket pair; returns the other end's fd.
int FakeConnectedSocket(int &handle) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  handle = EmuSock().nextHandle++;
  EmuSock().open[handle].fd = sv[0];
  EmuSock().open[handle].connected = true;
  return sv[1];
}
std::vector<uchar> Drain(int fd) {
  std::vector<uchar> out(65536);
  ssize_t n = recv(fd, out.data(), out.size(), MSG_DONTWAIT);
  out.resize(n > 0 ? size_t(n) : 0);
  return out;
}
std::vector<uchar> PeerGreeting(int major, int minor, const char *mech) {
  std::vector<uchar> g(64, 0);
  g[0] = 0xFF;
  g[9] = 0x7F;
  g[10] = uchar(major);
  g[11] = uchar(minor);
  for (int i = 0; mech[i]; i++) g[size_t(12 + i)] = uchar(mech[i]);
  return g;
}
std::vector<uchar> RouterReady() {
  std::vector<uchar> body = {5};
  Append(body, "READY");
  body.push_back(11);
  Append(body, "Socket-Type");
  for (int x : {0, 0, 0, 6}) body.push_back(uchar(x));
  Append(body, "ROUTER");
  std::vector<uchar> f = {0x04, uchar(body.size())};
  f.insert(f.end(), body.begin(), body.end());
  return f;
}
std::vector<uchar> MessageFrame(const std::string &text) {
  std::vector<uchar> f;
  if (text.size() > 255) {
    f.push_back(0x02);
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(uchar((uint64_t(text.size()) >> shift) & 0xFF));
  } else {
    f = {0x00, uchar(text.size())};
  }
  Append(f, text);
  return f;
}

void TestGreetingAndReady() {
  MqlArray<uchar> g;
  Check(ZmtpGreeting(g) == 64 && ArraySize(g) == 64, "greeting is 64 bytes");
  std::vector<uchar> want(64, 0);
  want[0] = 0xFF;
  want[9] = 0x7F;
  want[10] = 3;
  want[12] = 'N';
  want[13] = 'U';
  want[14] = 'L';
  want[15] = 'L';
  Check(Bytes(g) == want, "greeting bytes per RFC 23: signature, 3.0, NULL, as-server 0, filler");
  MqlArray<uchar> r;
  int n = ZmtpReady(r);
  std::vector<uchar> ready = {0x04, 28, 5};
  Append(ready, "READY");
  ready.push_back(11);
  Append(ready, "Socket-Type");
  for (int x : {0, 0, 0, 6}) ready.push_back(uchar(x));
  Append(ready, "DEALER");
  Check(n == 30 && Bytes(r, n) == ready, "READY command with Socket-Type DEALER, byte for byte");
}

void TestFrames() {
  MqlArray<uchar> f;
  int n = ZmtpTextFrame(f, "hi");
  Check(n == 4 && Bytes(f, n) == Bytes({0, 2, 'h', 'i'}), "short frame: flags 0, size 1 byte, no terminating zero");
  std::string s255(255, 'a'), s256(256, 'b');
  n = ZmtpTextFrame(f, string(s255.c_str()));
  Check(n == 257 && f[0] == 0 && f[1] == 255, "255-byte body still uses a short frame");
  n = ZmtpTextFrame(f, string(s256.c_str()));
  Check(n == 265 && Bytes(f, 9) == Bytes({2, 0, 0, 0, 0, 0, 0, 1, 0}), "256-byte body uses LONG with 8-byte big-endian size");
  n = ZmtpTextFrame(f, "é");
  Check(n == 4 && f[1] == 2 && f[2] == 0xC3 && f[3] == 0xA9, "frame body is UTF-8, size counts bytes not characters");
}

void TestHandshakeAcrossOneByteReads() {
  ZmtpConn c;
  ZmtpReset(c);
  int h = 0;
  int peer = FakeConnectedSocket(h);
  Check(ZmtpStart(c, h), "start sends the greeting");
  Check(Drain(peer).size() == 64, "peer receives our 64-byte greeting at once");
  std::vector<uchar> in = PeerGreeting(3, 1, "NULL");
  std::vector<uchar> ready = RouterReady();
  in.insert(in.end(), ready.begin(), ready.end());
  std::string longText(300, 'x');
  for (const std::string &m : {std::string("{\"type\":\"welcome\"}"), longText}) {
    std::vector<uchar> f = MessageFrame(m);
    in.insert(in.end(), f.begin(), f.end());
  }
  MqlArray<string> messages;
  bool ok = true;
  bool readySentEarly = false;
  for (size_t i = 0; i < in.size() && ok; i++) {
    MqlArray<uchar> one = Arr({in[i]});
    ok = ZmtpFeed(c, one, 1, messages);
    if (i < 63 && !Drain(peer).empty()) readySentEarly = true;
  }
  Check(ok, "1-byte chunks parse without error");
  Check(!readySentEarly, "READY waits for the whole peer greeting");
  Check(c.phase == ZMTP_OPEN, "peer READY opens the connection (version 3.1 accepted)");
  Check(ArraySize(messages) == 2 && S(messages[0]) == "{\"type\":\"welcome\"}" && S(messages[1]) == longText,
        "short and long message frames reassembled from 1-byte reads");
  Check(ArraySize(c.rx) == 0, "input buffer is empty after complete frames");
  ZmtpClose(c);
  close(peer);
}

void TestPingPongAndRejections() {
  ZmtpConn c;
  ZmtpReset(c);
  int h = 0;
  int peer = FakeConnectedSocket(h);
  ZmtpStart(c, h);
  MqlArray<string> messages;
  std::vector<uchar> in = PeerGreeting(3, 1, "NULL");
  std::vector<uchar> ready = RouterReady();
  in.insert(in.end(), ready.begin(), ready.end());
  std::vector<uchar> ping = {0x04, 9, 4, 'P', 'I', 'N', 'G', 0, 10, 'c', 'x'};
  in.insert(in.end(), ping.begin(), ping.end());
  Drain(peer);
  MqlArray<uchar> all = Arr(in);
  Check(ZmtpFeed(c, all, int(in.size()), messages), "PING accepted");
  std::vector<uchar> out = Drain(peer);
  std::vector<uchar> pong = {0x04, 7, 4, 'P', 'O', 'N', 'G', 'c', 'x'};
  Check(out.size() >= pong.size() && std::equal(pong.begin(), pong.end(), out.end() - long(pong.size())),
        "PONG echoes the PING context");
  ZmtpClose(c);
  close(peer);

  struct Bad {
    std::vector<uchar> bytes;
    const char *what;
  };
  std::vector<uchar> notZmtp = {'H', 'T', 'T', 'P'};
  std::vector<Bad> bad = {{notZmtp, "non-ZMTP peer rejected on its first byte"},
                          {PeerGreeting(2, 0, "NULL"), "ZMTP 2 rejected"},
                          {PeerGreeting(3, 0, "PLAIN"), "PLAIN mechanism rejected"}};
  for (const Bad &b : bad) {
    ZmtpReset(c);
    int h2 = 0;
    int p2 = FakeConnectedSocket(h2);
    ZmtpStart(c, h2);
    MqlArray<uchar> a = Arr(b.bytes);
    MqlArray<string> m;
    Check(!ZmtpFeed(c, a, int(b.bytes.size()), m) && S(c.error) != "", b.what);
    ZmtpClose(c);
    close(p2);
  }
  ZmtpReset(c);
  int h3 = 0;
  int p3 = FakeConnectedSocket(h3);
  ZmtpStart(c, h3);
  std::vector<uchar> huge = PeerGreeting(3, 0, "NULL");
  huge.insert(huge.end(), ready.begin(), ready.end());
  for (int x : {0x02, 0, 0, 0, 0, 0, 0x50, 0, 0}) huge.push_back(uchar(x));
  MqlArray<uchar> a = Arr(huge);
  MqlArray<string> m;
  Check(!ZmtpFeed(c, a, int(huge.size()), m), "frame announced above 4 MiB is refused before it arrives");
  ZmtpClose(c);
  close(p3);
}

void TestJson() {
  Check(S(JsonQuote("a\"b\\c")) == "\"a\\\"b\\\\c\"", "quote and backslash escaped");
  Check(S(JsonQuote("l1\nl2\t\r")) == "\"l1\\nl2\\t\\r\"", "newline, tab, CR escaped");
  Check(S(JsonQuote(ShortToString(1) + ShortToString(0x1F))) == "\"\\u0001\\u001f\"", "control characters as \\u00XX");
  Check(S(JsonQuote("é😀")) == "\"é😀\"", "non-ASCII and surrogate pairs pass through to UTF-8");
  Check(S(JsonQuote("x" + ShortToString(0xD800) + "y")) == "\"x\\ufffdy\"", "lone surrogate replaced, JSON stays valid");
  MqlArray<uchar> b;
  int n = StringToCharArray(JsonQuote("é😀"), b, 0, -1, CP_UTF8);
  Check(n == 9 && b[1] == 0xC3 && b[3] == 0xF0 && b[6] == 0x80 && b[8] == 0, "UTF-8 bytes of é and 😀 plus the zero");
  Check(S(JsonNumber(1.08512)) == "1.08512", "price written as 1.08512");
  Check(S(JsonNumber(0.1)) == "0.1", "0.1 written short");
  Check(S(JsonNumber(0.1 + 0.2)) == "0.30000000000000004", "17 digits when 15 do not round-trip");
  Check(S(JsonNumber(1e-5)) == "1e-05", "small numbers in exponent form (valid JSON)");
  Check(S(JsonNumber(std::nan(""))) == "0" && S(JsonNumber(INFINITY)) == "0", "NaN and infinity never reach the JSON");
  Check(std::strtod(S(JsonNumber(151.253)).c_str(), nullptr) == 151.253, "round trip of 151.253");
  Check(S(JsonInt(9223372036854775807L)) == "9223372036854775807", "tickets up to 2^63-1 as integers");
  string obj = "{";
  JsonAdd(obj, "a", JsonInt(1));
  JsonAdd(obj, "b", JsonQuote("x"));
  Check(S(obj + "}") == "{\"a\":1,\"b\":\"x\"}", "JsonAdd puts commas between members only");

  string w = "{ \"note\" : \"type\\\"accepted{\", \"nested\":{\"accepted\":false,\"s\":\"}\"}, \"accepted\" : true,"
             " \"heartbeat_ms\":1000, \"message\":\"caf\\u00e9 \\ud83d\\ude00\", \"type\":\"welcome\" }";
  bool accepted = false;
  long hb = 0;
  string msg, type;
  Check(JsonGetBool(w, "accepted", accepted) && accepted, "top-level member found past nested objects and tricky strings");
  Check(JsonGetLong(w, "heartbeat_ms", hb) && hb == 1000, "integer member read");
  Check(JsonGetString(w, "message", msg) && S(msg) == "café 😀", "\\u escapes decoded, surrogate pairs joined");
  Check(JsonGetString(w, "type", type) && S(type) == "welcome", "type read");
  string missing;
  Check(!JsonGetString(w, "reason", missing) && !JsonGetString("not json", "type", missing), "absent member and non-object");
}

void TestFingerprint() {
  Term().positions.clear();
  Term().orders.clear();
  EmuPosition p;
  p.ticket = 11;
  p.volume = 1;
  p.price_open = 1.1;
  EmuPosition q = p;
  q.ticket = 12;
  Term().positions = {p, q};
  EmuOrder o;
  o.ticket = 21;
  o.volume_current = 0.5;
  o.price_open = 1.05;
  EmuOrder market = o;
  market.ticket = 22;
  market.type = ORDER_TYPE_BUY;
  Term().orders = {o};
  ulong base = FingerprintAll();
  Term().orders = {o, market};
  Check(FingerprintAll() == base, "market orders in execution do not move the fingerprint");
  Term().positions = {q, p};
  Check(FingerprintAll() == base, "fingerprint does not depend on list order");
  Term().positions[0].profit = 99;
  Term().positions[0].price_current = 1.2;
  Check(FingerprintAll() == base, "profit and current price do not move it");
  const char *fields[] = {"sl", "tp", "volume", "price_open", "type"};
  for (const char *f : fields) {
    Term().positions = {p, q};
    EmuPosition &x = Term().positions[1];
    std::string k = f;
    if (k == "sl") x.sl = 1.0;
    if (k == "tp") x.tp = 1.2;
    if (k == "volume") x.volume = 0.99;
    if (k == "price_open") x.price_open = 1.10001;
    if (k == "type") x.type = POSITION_TYPE_SELL;
    Check(FingerprintAll() != base, std::string("position ") + f + " change moves the fingerprint");
  }
  Term().positions = {p, q};
  Term().orders[0].sl = 1.0;
  Check(FingerprintAll() != base, "order SL change moves it");
  Term().orders[0] = o;
  Term().orders[0].expiration = 1800000000;
  Check(FingerprintAll() != base, "order expiration change moves it");
  Term().orders.clear();
  Term().positions.clear();
  ulong empty = FingerprintAll();
  Term().positions = {p};
  Check(FingerprintAll() != empty, "one position differs from none");
  Term().positions.clear();
}

void TestEmulationQuirks() {
  MqlArray<uchar> a;
  Check(StringToCharArray("abc", a) == 4 && ArraySize(a) == 4 && a[3] == 0, "StringToCharArray copies the terminating zero");
  Check(StringToCharArray("xy", a, 0, StringLen("xy")) == 2 && ArraySize(a) == 4 && a[0] == 'x' && a[2] == 'c',
        "explicit count leaves out the zero and never shrinks the array");
  Check(S(CharArrayToString(a, 0, -1)) == "xyc", "CharArrayToString stops at the zero");
  Check(StringLen("é😀") == 3, "StringLen counts UTF-16 units, as MQL5 strings are UTF-16");
  Check(S(StringFormat("%s=%d %.2f", string("k"), 7, 1.5)) == "k=7 1.50", "StringFormat takes strings for %s");
  Check(!std::is_assignable<MqlInput<int> &, int>::value, "input variables cannot be assigned by the EA");

  int h = 0;
  int peer = FakeConnectedSocket(h);
  Check(SocketIsReadable(h) == 0 && SocketIsConnected(h), "SocketIsReadable answers 0 on an idle socket");
  EmuSock().speculativeOne = true;
  Check(SocketIsReadable(h) == 1, "with speculativeOne it answers 1 on an empty buffer");
  EmuSock().speculativeOne = false;
  MqlArray<uchar> buf;
  ResetLastError();
  Check(SocketRead(h, buf, 1, 1) == -1 && GetLastError() == ERR_NETSOCKET_IO_ERROR && SocketIsConnected(h),
        "SocketRead then times out with -1 and 5273 but the socket stays connected");
  send(peer, "abc", 3, 0);
  Check(SocketIsReadable(h) == 3 && SocketRead(h, buf, 3, 1) == 3 && buf[2] == 'c', "real bytes are counted and read");
  send(peer, "ab", 2, 0);
  auto t0 = std::chrono::steady_clock::now();
  int got = SocketRead(h, buf, 5, 30);
  double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  Check(got == 2 && waited >= 29, "SocketRead waits its timeout for the requested length, then returns what came");
  EmuSock().blockedMs = 0;  // from zero: a difference of two sums would not be exactly 1
  EmuBlocked(std::chrono::steady_clock::now() - std::chrono::milliseconds(80), 1);
  Check(EmuSock().blockedMs == 1.0, "a wait the machine stretched past its timeout blocks the EA for the timeout");
  close(peer);
  Check(SocketIsReadable(h) == 0 && SocketIsConnected(h), "peer close: 0 readable and still 'connected' until a read");
  Check(SocketRead(h, buf, 1, 1) == -1 && !SocketIsConnected(h), "the read sees the end of the stream");
  Check(SocketClose(h) && !SocketClose(h) && GetLastError() == ERR_NETSOCKET_INVALIDHANDLE, "closed handle is invalid");
  MqlArray<string> none;
  ZmtpConn c;
  ZmtpReset(c);
  int h2 = 0;
  int peer2 = FakeConnectedSocket(h2);
  c.socket = h2;
  c.phase = ZMTP_OPEN;
  Check(ZmtpPoll(c, none) && ArraySize(none) == 0, "ZmtpPoll survives an idle socket without data");
  EmuSock().speculativeOne = true;
  Check(ZmtpPoll(c, none) && ArraySize(none) == 0, "ZmtpPoll survives the speculative 1 without data");
  close(peer2);
  Check(!ZmtpPoll(c, none), "ZmtpPoll reports a closed peer once it reads");
  EmuSock().speculativeOne = false;
  ZmtpClose(c);
}

void TestTrack() {
  Tracked t;
  TrackClear(t);
  ulong keys[] = {50, 10, 30, 20, 40, 30};
  for (ulong k : keys) TrackPut(t, k, k + 1, k * 7, 0.1, 1);
  bool sorted = TrackCount(t) == 5;
  for (int i = 1; i < TrackCount(t); i++) sorted = sorted && t.keys[i - 1] < t.keys[i];
  Check(sorted, "tracked keys stay sorted and unique");
  Check(TrackFind(t, 30) == 2 && TrackFind(t, 35) == -1 && TrackFind(t, 5) == -1 && TrackFind(t, 60) == -1,
        "binary search finds present keys only");
  Check(TrackFindTicket(t, 41) == 3, "an item is found by its ticket too");
  TrackRemoveAt(t, 0);
  Check(TrackCount(t) == 4 && TrackFind(t, 10) == -1 && TrackFind(t, 50) == 3 && t.tickets[3] == 51,
        "removal keeps the parallel arrays aligned");
}

void TestJsonArray() {
  MqlArray<string> items;
  string j = "{\"type\":\"lookup\",\"positions\":[{\"ticket\":5,\"identifier\":4}, {\"ticket\":7,\"identifier\":7}],"
             "\"orders\":[ 11 , 12 ]}";
  Check(JsonGetArray(j, "positions", items) && ArraySize(items) == 2, "array of objects split into its elements");
  long id = 0;
  Check(JsonGetLong(items[0], "identifier", id) && id == 4, "an element is an object to read members from");
  Check(JsonGetArray(j, "orders", items) && ArraySize(items) == 2 && StringToInteger(items[1]) == 12, "array of numbers");
  Check(!JsonGetArray(j, "type", items) && ArraySize(items) == 0, "a non-array member is no array");
}

// The closing deal is evidence only once history accounts for the whole volume.
void TestClosingDeal() {
  Term().deals.clear();
  Emu().tickMs = 2000000;
  EmuDeal in;
  in.ticket = 1;
  in.position_id = 77;
  in.type = DEAL_TYPE_BUY;
  in.entry = DEAL_ENTRY_IN;
  in.volume = 0.3;
  in.time_msc = 1;
  EmuDeal partial = in;
  partial.ticket = 2;
  partial.type = DEAL_TYPE_SELL;
  partial.entry = DEAL_ENTRY_OUT;
  partial.volume = 0.1;
  partial.time_msc = 2;
  Term().deals = {in, partial};
  Check(FindClosingDeal(77) == 0, "a partial close alone is not the close");
  EmuDeal last = partial;
  last.ticket = 3;
  last.volume = 0.2;
  last.time_msc = 3;
  last.visibleAtMs = Emu().tickMs + 300;
  Term().deals.push_back(last);
  Check(FindClosingDeal(77) == 0, "a closing deal not in history yet is not found");
  Emu().tickMs += 300;
  Check(FindClosingDeal(77) == 3, "once in history the last closing deal is the evidence");
  Check(FindClosingDeal(3) == 0, "looked up by identifier, not by a deal's or another ticket");
  Term().deals.clear();
}

// The trader hears once when copying stops (after AlertAfterSeconds) and once when it is back; push
// notifications only where the terminal has them set up; the words follow the terminal's language.
void RunAlerts(AlertWatch &w, Session &s, ulong from, ulong to) {
  for (ulong t = from; t <= to; t += 50) {
    Emu().tickMs = t;
    AlertsWatch(w, s, t, 30000);
  }
}
void TestAlerts() {
  EmuAlerts &a = EmuAlert();
  a.alerts.clear();
  a.notifications.clear();
  a.notificationTimes.clear();
  a.notificationsEnabled = true;
  a.language = "English";
  LangInit();
  Session s;
  SessionInit(s, "127.0.0.1", 47800, "", 5000, "i", "0.1.0");
  s.state = "unreachable";
  s.detail = "relay not running on 127.0.0.1:47800 (error 5272); retrying";
  AlertWatch w;
  AlertWatchInit(w);
  ulong t0 = 2000000;
  RunAlerts(w, s, t0, t0 + 29950);
  Check(a.alerts.empty(), "no alert while copying has stopped for less than AlertAfterSeconds");
  RunAlerts(w, s, t0 + 30000, t0 + 120000);
  Check(a.alerts.size() == 1 && a.alerts[0].find("copying has STOPPED") != std::string::npos &&
            a.alerts[0].find("relay unreachable") != std::string::npos,
        "one alert per episode, naming the relay as unreachable");
  Check(a.notifications.size() == 1 && a.notifications[0] == a.alerts[0], "one push notification with the same words");

  s.state = "connected";
  s.accepted = true;
  RunAlerts(w, s, t0 + 120050, t0 + 180000);
  Check(a.alerts.size() == 2 && a.alerts[1].find("back to normal") != std::string::npos, "one all-clear when copying is back");
  Check(a.notifications.size() == 2, "the all-clear is pushed too");

  s.apiOk = false;
  s.apiError = "HTTP 503";
  RunAlerts(w, s, t0 + 180050, t0 + 190000);
  s.apiOk = true;
  RunAlerts(w, s, t0 + 190050, t0 + 191000);
  Check(a.alerts.size() == 2, "a 10 s API blip raises nothing");
  s.apiOk = false;
  a.notificationsEnabled = false;
  RunAlerts(w, s, t0 + 191050, t0 + 240000);
  Check(a.alerts.size() == 3 && a.alerts[2].find("HTTP 503") != std::string::npos,
        "the API refusing signals for 30 s raises one alert with its reason");
  Check(a.notifications.size() == 2, "no push notification where the terminal has none set up");
  Check(S(ChartTextFor(s)).find("The signal API is not taking signals: HTTP 503") != std::string::npos,
        "the chart says the API is refusing");

  a.notificationsEnabled = true;
  a.language = "Portuguese (Brazil)";
  LangInit();
  s.apiOk = true;
  RunAlerts(w, s, t0 + 240050, t0 + 240100);
  Check(a.alerts.size() == 4 && a.alerts[3].find("voltou ao normal") != std::string::npos, "the all-clear in Portuguese");
  s.state = "unreachable";
  s.accepted = false;
  RunAlerts(w, s, t0 + 240150, t0 + 280000);
  Check(a.alerts.size() == 5 && a.alerts[4].find("a cópia PAROU") != std::string::npos &&
            a.alerts[4].find("relay inacessível: relay não está rodando em 127.0.0.1:47800 (erro 5272); tentando de novo") !=
                std::string::npos,
        "the alert in Portuguese, the session's detail translated");
  Check(S(ChartTextFor(s)).find("DESCONECTADO") != std::string::npos, "the chart text in Portuguese");
  a.language = "English";
  LangInit();
  Check(S(ChartTextFor(s)).find("NOT CONNECTED") != std::string::npos, "the chart text in English");
}

void TestNotificationLimits() {
  EmuAlerts &a = EmuAlert();
  a.notificationTimes.clear();
  a.notificationsEnabled = true;
  Emu().tickMs = 5000000;
  Check(SendNotification("one") && SendNotification("two"), "two notifications in a second are sent");
  Check(!SendNotification("three") && GetLastError() == ERR_NOTIFICATION_TOO_FREQUENT, "a third in the same second is refused (4518)");
  std::string longText(256, 'x');
  Emu().tickMs += 2000;
  Check(!SendNotification(longText.c_str()) && GetLastError() == ERR_NOTIFICATION_WRONG_PARAMETER, "over 255 characters is refused (4516)");
  a.notificationsEnabled = false;
  Check(!SendNotification("off") && GetLastError() == ERR_NOTIFICATION_WRONG_SETTINGS, "notifications not set up: refused (4517)");
  string r = "a-b-a";
  Check(StringReplace(r, "a", "xy") == 2 && S(r) == "xy-b-xy", "StringReplace replaces every occurrence and counts them");
}
}  // namespace

int main() {
  Emu().echo = false;
  TestGreetingAndReady();
  TestFrames();
  TestHandshakeAcrossOneByteReads();
  TestPingPongAndRejections();
  TestJson();
  TestFingerprint();
  TestEmulationQuirks();
  TestTrack();
  TestJsonArray();
  TestClosingDeal();
  TestAlerts();
  TestNotificationLimits();
  std::cout << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}
