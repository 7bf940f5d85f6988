; MasterSender.Start.exe: starts "MasterSender.Relay.exe run" from its own folder with no console window.
; Why: the relay stays a console program (so `login` and `--help` work in a terminal), but at logon it must
; run unseen, and neither the HKCU Run key nor a Startup-folder shortcut can start a console program hidden.
; Starting it twice is harmless: the relay's single-instance lock makes the second one exit.
Unicode true
Target amd64-unicode
RequestExecutionLevel user
SilentInstall silent
AutoCloseWindow true
Name "MasterSender relay starter"
OutFile "${OUTFILE}"
VIProductVersion "${VIVERSION}"
VIAddVersionKey ProductName "MasterSender"
VIAddVersionKey FileDescription "Starts the MasterSender relay in the background"
VIAddVersionKey FileVersion "${VERSION}"
VIAddVersionKey ProductVersion "${VERSION}"
VIAddVersionKey LegalCopyright "MasterSender"

Section
  SetOutPath "$EXEDIR" ; the relay's working folder, so a local appsettings.json is found
  ExecShell "open" "$EXEDIR\MasterSender.Relay.exe" "run" SW_HIDE
SectionEnd
