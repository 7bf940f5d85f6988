//+------------------------------------------------------------------+
//| Json.mqh: the JSON the EA writes and the little it reads.         |
//| The relay parses with System.Text.Json (strict), so every number  |
//| must be finite and every string properly escaped.                 |
//+------------------------------------------------------------------+
#ifndef MASTERSENDER_JSON_MQH
#define MASTERSENDER_JSON_MQH

//--- Escape for one UTF-16 unit that is not a surrogate; "" when it can stay as it is.
string JsonEscapeUnit(const ushort c)
  {
   if(c == '"')
      return "\\\"";
   if(c == '\\')
      return "\\\\";
   if(c == '\n')
      return "\\n";
   if(c == '\r')
      return "\\r";
   if(c == '\t')
      return "\\t";
   if(c == 0x08)
      return "\\b";
   if(c == 0x0C)
      return "\\f";
   if(c < 0x20)
      return StringFormat("\\u%04x", (int)c);
   return "";
  }

//--- A quoted JSON string. Valid surrogate pairs pass through (StringToCharArray makes UTF-8 of
//--- them); a lone surrogate would be invalid UTF-8, so it becomes U+FFFD.
string JsonQuote(const string s)
  {
   string out = "\"";
   int n = StringLen(s);
   int runStart = 0;
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(s, i);
      string esc = "";
      if(c >= 0xD800 && c <= 0xDBFF)
        {
         if(i + 1 < n)
           {
            ushort d = StringGetCharacter(s, i + 1);
            if(d >= 0xDC00 && d <= 0xDFFF)
              {
               i++;
               continue;
              }
           }
         esc = "\\ufffd";
        }
      else
         if(c >= 0xDC00 && c <= 0xDFFF)
            esc = "\\ufffd";
         else
            esc = JsonEscapeUnit(c);
      if(esc == "")
         continue;
      // StringSubstr with length 0 is avoided: its meaning is not documented.
      if(i > runStart)
         out += StringSubstr(s, runStart, i - runStart);
      out += esc;
      runStart = i + 1;
     }
   if(n > runStart)
      out += StringSubstr(s, runStart, n - runStart);
   return out + "\"";
  }

//--- Shortest of 15 or 17 significant digits that reads back as the same double.
//--- NaN and infinity are not JSON: they become 0 (never expected from the terminal).
string JsonNumber(const double x)
  {
   if(!MathIsValidNumber(x))
      return "0";
   string s = StringFormat("%.15g", x);
   if(StringToDouble(s) != x)
      s = StringFormat("%.17g", x);
   return s;
  }

string JsonInt(const long x)
  {
   return IntegerToString(x);
  }

string JsonBool(const bool b)
  {
   return b ? "true" : "false";
  }

//--- Appends ,"key":raw (or "key":raw right after the opening brace).
void JsonAdd(string &obj, const string key, const string raw)
  {
   if(StringLen(obj) > 1)
      obj += ",";
   obj += JsonQuote(key) + ":" + raw;
  }

//+------------------------------------------------------------------+
//| Reading: only top-level members of the relay's small objects.    |
//+------------------------------------------------------------------+
bool JsonIsSpace(const ushort c)
  {
   return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

int JsonSkipSpace(const string json, int i)
  {
   int n = StringLen(json);
   while(i < n && JsonIsSpace(StringGetCharacter(json, i)))
      i++;
   return i;
  }

//--- i is at the opening quote; returns the index after the closing quote, -1 if unterminated.
int JsonSkipString(const string json, int i)
  {
   int n = StringLen(json);
   for(i = i + 1; i < n; i++)
     {
      ushort c = StringGetCharacter(json, i);
      if(c == '\\')
         i++;
      else
         if(c == '"')
            return i + 1;
     }
   return -1;
  }

//--- Returns the index after the value starting at i, -1 if malformed.
int JsonSkipValue(const string json, int i)
  {
   int n = StringLen(json);
   if(i >= n)
      return -1;
   ushort c = StringGetCharacter(json, i);
   if(c == '"')
      return JsonSkipString(json, i);
   if(c == '{' || c == '[')
     {
      int depth = 0;
      while(i < n)
        {
         c = StringGetCharacter(json, i);
         if(c == '"')
           {
            i = JsonSkipString(json, i);
            if(i < 0)
               return -1;
            continue;
           }
         if(c == '{' || c == '[')
            depth++;
         if(c == '}' || c == ']')
           {
            depth--;
            if(depth == 0)
               return i + 1;
           }
         i++;
        }
      return -1;
     }
   int start = i;
   while(i < n)
     {
      c = StringGetCharacter(json, i);
      if(c == ',' || c == '}' || c == ']' || JsonIsSpace(c))
         break;
      i++;
     }
   return i > start ? i : -1;
  }

//--- StringToInteger is decimal only, so \uXXXX is decoded by hand; a bad digit counts as 0.
ushort JsonHex4(const string json, const int at)
  {
   int v = 0;
   for(int k = 0; k < 4; k++)
     {
      ushort c = StringGetCharacter(json, at + k);
      int d = 0;
      if(c >= '0' && c <= '9')
         d = c - '0';
      else
         if(c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
         else
            if(c >= 'A' && c <= 'F')
               d = c - 'A' + 10;
      v = v * 16 + d;
     }
   return (ushort)v;
  }

//--- Decodes the JSON string literal starting at i (the quote).
string JsonDecodeString(const string json, int i)
  {
   string out = "";
   int n = StringLen(json);
   for(i = i + 1; i < n; i++)
     {
      ushort c = StringGetCharacter(json, i);
      if(c == '"')
         break;
      if(c != '\\' || i + 1 >= n)
        {
         out += ShortToString(c);
         continue;
        }
      i++;
      ushort e = StringGetCharacter(json, i);
      if(e == 'n')
         out += "\n";
      else
         if(e == 'r')
            out += "\r";
         else
            if(e == 't')
               out += "\t";
            else
               if(e == 'b')
                  out += ShortToString(0x08);
               else
                  if(e == 'f')
                     out += ShortToString(0x0C);
                  else
                     if(e == 'u' && i + 4 < n)
                       {
                        out += ShortToString(JsonHex4(json, i + 1));
                        i += 4;
                       }
                     else
                        out += ShortToString(e);
     }
   return out;
  }

//--- The raw text of a top-level member's value; false when absent or the text is not an object.
bool JsonRawMember(const string json, const string key, string &raw)
  {
   int n = StringLen(json);
   int i = JsonSkipSpace(json, 0);
   if(i >= n || StringGetCharacter(json, i) != '{')
      return false;
   i = JsonSkipSpace(json, i + 1);
   while(i < n && StringGetCharacter(json, i) == '"')
     {
      int keyEnd = JsonSkipString(json, i);
      if(keyEnd < 0)
         return false;
      string name = JsonDecodeString(json, i);
      i = JsonSkipSpace(json, keyEnd);
      if(i >= n || StringGetCharacter(json, i) != ':')
         return false;
      i = JsonSkipSpace(json, i + 1);
      int valueEnd = JsonSkipValue(json, i);
      if(valueEnd < 0)
         return false;
      if(name == key)
        {
         raw = StringSubstr(json, i, valueEnd - i);
         return true;
        }
      i = JsonSkipSpace(json, valueEnd);
      if(i < n && StringGetCharacter(json, i) == ',')
         i = JsonSkipSpace(json, i + 1);
     }
   return false;
  }

bool JsonGetString(const string json, const string key, string &value)
  {
   string raw = "";
   if(!JsonRawMember(json, key, raw) || StringGetCharacter(raw, 0) != '"')
      return false;
   value = JsonDecodeString(raw, 0);
   return true;
  }

bool JsonGetLong(const string json, const string key, long &value)
  {
   string raw = "";
   if(!JsonRawMember(json, key, raw))
      return false;
   ushort c = StringGetCharacter(raw, 0);
   if(c != '-' && (c < '0' || c > '9'))
      return false;
   value = StringToInteger(raw);
   return true;
  }

bool JsonGetBool(const string json, const string key, bool &value)
  {
   string raw = "";
   if(!JsonRawMember(json, key, raw))
      return false;
   if(raw == "true")
      value = true;
   else
      if(raw == "false")
         value = false;
      else
         return false;
   return true;
  }

//--- The raw texts of the elements of a top-level array member; false when absent or not an array.
bool JsonGetArray(const string json, const string key, string &items[])
  {
   ArrayResize(items, 0);
   string raw = "";
   if(!JsonRawMember(json, key, raw) || StringGetCharacter(raw, 0) != '[')
      return false;
   int n = StringLen(raw);
   int i = JsonSkipSpace(raw, 1);
   while(i < n && StringGetCharacter(raw, i) != ']')
     {
      int end = JsonSkipValue(raw, i);
      if(end < 0)
         return false;
      int k = ArraySize(items);
      ArrayResize(items, k + 1);
      items[k] = StringSubstr(raw, i, end - i);
      i = JsonSkipSpace(raw, end);
      if(i < n && StringGetCharacter(raw, i) == ',')
         i = JsonSkipSpace(raw, i + 1);
     }
   return true;
  }

#endif
