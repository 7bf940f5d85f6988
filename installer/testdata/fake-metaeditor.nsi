; A stand-in for MetaEditor's command line, for the Wine test: it does what metaeditor64.exe /compile does
; as far as the setup can see (a UTF-16LE log with a "Result:" line, an .ex5 next to the .mq5) and records
; the command line it got, so the test can check the setup's quoting.
Unicode true
Target amd64-unicode
RequestExecutionLevel user
SilentInstall silent
OutFile "${OUTFILE}"
!include FileFunc.nsh

Section
  ${GetParameters} $0
  ${GetOptions} $0 "/compile:" $1
  ${GetOptions} $0 "/log:" $2
  FileOpen $3 "$2" w
  FileWriteWord $3 0xFEFF
  FileWriteUTF16LE $3 "cmdline: $0$\r$\n"
  FileWriteUTF16LE $3 "$1 : information: compiling 'MasterSender.mq5'$\r$\n"
  FileWriteUTF16LE $3 "Result: 0 errors, 0 warnings, 42 msec elapsed"
  FileClose $3
  StrCpy $4 "$1" -4
  FileOpen $3 "$4.ex5" w
  FileWrite $3 "fake ex5"
  FileClose $3
SectionEnd
