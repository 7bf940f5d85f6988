//+------------------------------------------------------------------+
//| Zmtp.mqh: a ZMTP 3.0 DEALER (RFC 23, NULL mechanism) over MQL5   |
//| sockets. Reads never wait for data that is not there: a handler  |
//| that blocks delays every trade event behind it.                   |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_ZMTP_MQH
#define MASTERSENDER_ZMTP_MQH

#define ZMTP_CLOSED      0
#define ZMTP_GREETING    1
#define ZMTP_READY_WAIT  2
#define ZMTP_OPEN        3

#define ZMTP_FLAG_MORE    0x01
#define ZMTP_FLAG_LONG    0x02
#define ZMTP_FLAG_COMMAND 0x04

#define ZMTP_MAX_FRAME   4194304
#define ZMTP_READ_CHUNK  65536

struct ZmtpConn
  {
   int               socket;
   int               phase;
   uchar             rx[];
   int               inPos;
   string            error;
  };

void ZmtpReset(ZmtpConn &c)
  {
   c.socket = INVALID_HANDLE;
   c.phase = ZMTP_CLOSED;
   ArrayFree(c.rx);
   c.inPos = 0;
   c.error = "";
  }

//--- Appends one byte and returns the new size.
int ZmtpPut(uchar &buf[], const int value)
  {
   int n = ArraySize(buf);
   ArrayResize(buf, n + 1);
   buf[n] = (uchar)(value & 0xFF);
   return n + 1;
  }

int ZmtpPutText(uchar &buf[], const string ascii)
  {
   int n = StringLen(ascii);
   for(int i = 0; i < n; i++)
      ZmtpPut(buf, StringGetCharacter(ascii, i));
   return ArraySize(buf);
  }

//--- 64 bytes: signature FF 0*8 7F, version 3.0, mechanism "NULL" padded to 20, as-server 0, 31 zeros.
int ZmtpGreeting(uchar &out[])
  {
   ArrayResize(out, 64);
   ArrayInitialize(out, 0);
   out[0] = 0xFF;
   out[9] = 0x7F;
   out[10] = 3;
   out[11] = 0;
   out[12] = (uchar)'N';
   out[13] = (uchar)'U';
   out[14] = (uchar)'L';
   out[15] = (uchar)'L';
   return 64;
  }

//--- flags | size (1 byte, or 8 bytes big-endian with LONG) | body
int ZmtpFrame(uchar &out[], const int flags, const uchar &body[], const int bodyLen)
  {
   ArrayResize(out, 0);
   if(bodyLen > 255)
     {
      ZmtpPut(out, flags | ZMTP_FLAG_LONG);
      long size = bodyLen;
      for(int shift = 56; shift >= 0; shift -= 8)
         ZmtpPut(out, (int)((size >> shift) & 0xFF));
     }
   else
     {
      ZmtpPut(out, flags);
      ZmtpPut(out, bodyLen);
     }
   int head = ArraySize(out);
   if(bodyLen > 0)
     {
      ArrayResize(out, head + bodyLen);
      ArrayCopy(out, body, head, 0, bodyLen);
     }
   return head + bodyLen;
  }

//--- READY with Socket-Type = DEALER (NetMQ compares the property name case-sensitively).
int ZmtpReady(uchar &out[])
  {
   uchar body[];
   ZmtpPut(body, 5);
   ZmtpPutText(body, "READY");
   ZmtpPut(body, 11);
   ZmtpPutText(body, "Socket-Type");
   ZmtpPut(body, 0);
   ZmtpPut(body, 0);
   ZmtpPut(body, 0);
   ZmtpPut(body, 6);
   ZmtpPutText(body, "DEALER");
   return ZmtpFrame(out, ZMTP_FLAG_COMMAND, body, ArraySize(body));
  }

//--- One message frame of UTF-8 text. StringToCharArray counts the terminating zero it copies.
int ZmtpTextFrame(uchar &out[], const string text)
  {
   uchar body[];
   int n = StringToCharArray(text, body, 0, -1, CP_UTF8);
   if(n > 0 && body[n - 1] == 0)
      n--;
   return ZmtpFrame(out, 0, body, n);
  }

bool ZmtpSendBytes(ZmtpConn &c, const uchar &buf[], const int len)
  {
   if(c.socket == INVALID_HANDLE)
      return false;
   ResetLastError();
   int sent = SocketSend(c.socket, buf, (uint)len);
   int sendError = GetLastError();
   if(sent != len)
     {
      // A short write leaves half a frame on the wire: the stream cannot be resumed.
      c.error = StringFormat("send failed (error %d)", sendError);
      return false;
     }
   return true;
  }

bool ZmtpSendText(ZmtpConn &c, const string text)
  {
   uchar frame[];
   int n = ZmtpTextFrame(frame, text);
   if(n - 9 > ZMTP_MAX_FRAME)
     {
      c.error = "message larger than 4 MiB";
      return false;
     }
   return ZmtpSendBytes(c, frame, n);
  }

//--- Starts the handshake on a connected socket: our greeting goes out at once.
bool ZmtpStart(ZmtpConn &c, const int socket)
  {
   ZmtpReset(c);
   c.socket = socket;
   c.phase = ZMTP_GREETING;
   uchar greeting[];
   int n = ZmtpGreeting(greeting);
   return ZmtpSendBytes(c, greeting, n);
  }

bool ZmtpCheckGreeting(ZmtpConn &c)
  {
   int p = c.inPos;
   if(c.rx[p] != 0xFF || c.rx[p + 9] != 0x7F)
     {
      c.error = "peer is not a ZMTP endpoint";
      return false;
     }
   if(c.rx[p + 10] < 3)
     {
      c.error = StringFormat("peer speaks ZMTP %d, 3 needed", (int)c.rx[p + 10]);
      return false;
     }
   if(CharArrayToString(c.rx, p + 12, 4) != "NULL" || c.rx[p + 16] != 0)
     {
      c.error = "peer wants a security mechanism other than NULL";
      return false;
     }
   return true;
  }

//--- PING (ZMTP 3.1): name, 2-byte TTL, context; PONG echoes the context.
bool ZmtpAnswerPing(ZmtpConn &c, const int body, const int size)
  {
   int ctxStart = body + 1 + 4 + 2;
   int ctxLen = body + size - ctxStart;
   uchar pong[];
   ZmtpPut(pong, 4);
   ZmtpPutText(pong, "PONG");
   for(int i = 0; i < ctxLen; i++)
      ZmtpPut(pong, c.rx[ctxStart + i]);
   uchar frame[];
   int n = ZmtpFrame(frame, ZMTP_FLAG_COMMAND, pong, ArraySize(pong));
   return ZmtpSendBytes(c, frame, n);
  }

bool ZmtpOnCommand(ZmtpConn &c, const int body, const int size)
  {
   if(size < 1)
      return true;
   int nameLen = c.rx[body];
   if(nameLen + 1 > size)
     {
      c.error = "malformed ZMTP command";
      return false;
     }
   string name = nameLen > 0 ? CharArrayToString(c.rx, body + 1, nameLen) : "";
   if(name == "READY" && c.phase == ZMTP_READY_WAIT)
      c.phase = ZMTP_OPEN;
   else
      if(name == "PING" && size >= 1 + 4 + 2)
         return ZmtpAnswerPing(c, body, size);
      else
         if(name == "ERROR")
           {
            c.error = "relay sent ZMTP ERROR";
            return false;
           }
   return true;
  }

//--- Drops the consumed prefix of the input buffer.
void ZmtpCompact(ZmtpConn &c)
  {
   int n = ArraySize(c.rx);
   if(c.inPos <= 0)
      return;
   if(c.inPos >= n)
     {
      ArrayFree(c.rx);
      c.inPos = 0;
      return;
     }
   uchar rest[];
   ArrayResize(rest, n - c.inPos);
   ArrayCopy(rest, c.rx, 0, c.inPos, n - c.inPos);
   ArrayFree(c.rx);
   ArrayResize(c.rx, ArraySize(rest));
   ArrayCopy(c.rx, rest, 0, 0, ArraySize(rest));
   c.inPos = 0;
  }

void ZmtpAddMessage(string &messages[], const string text)
  {
   int n = ArraySize(messages);
   ArrayResize(messages, n + 1);
   messages[n] = text;
  }

//--- Consumes every complete greeting/frame in the buffer; partial ones wait for more bytes.
bool ZmtpParse(ZmtpConn &c, string &messages[])
  {
   while(true)
     {
      int avail = ArraySize(c.rx) - c.inPos;
      if(c.phase == ZMTP_GREETING)
        {
         if(avail >= 1 && c.rx[c.inPos] != 0xFF)
           {
            c.error = "peer is not a ZMTP endpoint";
            return false;
           }
         if(avail < 64)
            break;
         if(!ZmtpCheckGreeting(c))
            return false;
         c.inPos += 64;
         c.phase = ZMTP_READY_WAIT;
         uchar ready[];
         int n = ZmtpReady(ready);
         if(!ZmtpSendBytes(c, ready, n))
            return false;
         continue;
        }
      if(avail < 2)
         break;
      int flags = c.rx[c.inPos];
      int head = (flags & ZMTP_FLAG_LONG) != 0 ? 9 : 2;
      if(avail < head)
         break;
      long size = 0;
      for(int k = 1; k < head; k++)
         size = (size << 8) | c.rx[c.inPos + k];
      if(size < 0 || size > ZMTP_MAX_FRAME)
        {
         c.error = "frame larger than 4 MiB";
         return false;
        }
      if(avail < head + (int)size)
         break;
      int body = c.inPos + head;
      if((flags & ZMTP_FLAG_COMMAND) != 0)
        {
         if(!ZmtpOnCommand(c, body, (int)size))
            return false;
        }
      else
         if(c.phase == ZMTP_OPEN)
            ZmtpAddMessage(messages, size > 0 ? CharArrayToString(c.rx, body, (int)size, CP_UTF8) : "");
      c.inPos = body + (int)size;
     }
   ZmtpCompact(c);
   return true;
  }

//--- Appends bytes as if they had been read from the socket (also how the self-tests feed it).
bool ZmtpFeed(ZmtpConn &c, const uchar &data[], const int len, string &messages[])
  {
   int n = ArraySize(c.rx);
   ArrayResize(c.rx, n + len);
   ArrayCopy(c.rx, data, n, 0, len);
   return ZmtpParse(c, messages);
  }

//--- Reads what is there without waiting: only the bytes SocketIsReadable counts, since SocketRead waits
//--- (up to its timeout) for the whole requested length. SocketIsReadable answers 0 on an idle socket
//--- and may answer 1 on an empty buffer; SocketRead then times out with -1: that is "no data" as long
//--- as the socket is still connected. A closed peer may show only on a read, or only as silence: the
//--- session's silence limit covers that.
bool ZmtpPoll(ZmtpConn &c, string &messages[])
  {
   for(int pass = 0; pass < 16; pass++)
     {
      uint avail = SocketIsReadable(c.socket);
      if(avail == 0)
        {
         if(!SocketIsConnected(c.socket))
           {
            c.error = "connection lost";
            return false;
           }
         break;
        }
      if(avail > ZMTP_READ_CHUNK)
         avail = ZMTP_READ_CHUNK;
      uchar chunk[];
      ResetLastError();
      int got = SocketRead(c.socket, chunk, avail, 1);
      int readError = GetLastError();
      if(got <= 0)
        {
         if(!SocketIsConnected(c.socket))
           {
            c.error = StringFormat("connection lost (error %d)", readError);
            return false;
           }
         break;
        }
      if(!ZmtpFeed(c, chunk, got, messages))
         return false;
      if((uint)got < avail)
         break;
     }
   return true;
  }

void ZmtpClose(ZmtpConn &c)
  {
   if(c.socket != INVALID_HANDLE)
      SocketClose(c.socket);
   c.socket = INVALID_HANDLE;
   c.phase = ZMTP_CLOSED;
   ArrayFree(c.rx);
   c.inPos = 0;
  }

#endif
