; MasterSender setup: the relay for this user, started at logon (or as a service), and the EA in every
; MetaTrader 5 data folder, compiled where MetaEditor is found. Built by installer/build, which passes:
;   VERSION, VIVERSION (four numbers), OUTFILE, RELAY_DIR (win-x64 publish + MasterSender.Start.exe),
;   MQL5_SRC (EA sources in the repo layout), SCRIPTS (installer/windows).
; Command line: /S silent, /NOSTART do not start the relay now, /SERVICE install the Windows service instead
; of the logon start, /APIURL=<url> the signal API's base URL (written to appsettings.json), /D=<folder> install
; folder (must be last). The pages speak Brazilian Portuguese or English, following Windows' display language.
; Uninstaller: /S silent, /REMOVEDATA also delete the data folder (kept by default).

!ifndef VERSION | VIVERSION | OUTFILE | RELAY_DIR | MQL5_SRC | SCRIPTS
  !error "build with installer/build (it defines VERSION, VIVERSION, OUTFILE, RELAY_DIR, MQL5_SRC, SCRIPTS)"
!endif

Unicode true
; 64-bit like the relay it installs (a win-x64 exe needs 64-bit Windows anyway); also runs under wine64 alone.
Target amd64-unicode
; Per user: no UAC prompt, nothing outside the user's profile. Only the optional service step elevates.
RequestExecutionLevel user
ManifestDPIAware true
SetCompressor /SOLID lzma

!define RELAY "MasterSender.Relay.exe"
!define STARTER "MasterSender.Start.exe"
!define STATUS_URL "http://127.0.0.1:47801/"
!define SERVICE "MasterSenderRelay"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MasterSender"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define TERMINALS "$APPDATA\MetaQuotes\Terminal"
; The relay's data folder (Storage:Path default): logs, outbox, saved login. Kept on uninstall unless asked.
!define DATA_DIR "$LOCALAPPDATA\MasterSender"

Name "MasterSender ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\MasterSender"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "MasterSender ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VIVERSION}"
VIAddVersionKey ProductName "MasterSender"
VIAddVersionKey FileDescription "MasterSender setup"
VIAddVersionKey FileVersion "${VERSION}"
VIAddVersionKey ProductVersion "${VERSION}"
VIAddVersionKey LegalCopyright "MasterSender"

!include MUI2.nsh
!include LogicLib.nsh
!include nsDialogs.nsh
!include FileFunc.nsh
!include WinMessages.nsh

Var Report      ; handle of install-report.txt while installing: the summary page and silent installs read it
Var Terminals   ; MetaTrader 5 data folders the EA went into
Var OpenStatus  ; checkbox on the last page
Var ApiUrl      ; the signal API's base URL, asked on its own page (or /APIURL=), written to appsettings.json
Var ApiUrlField

!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "$(WELCOME_TEXT)"
!define MUI_COMPONENTSPAGE_SMALLDESC
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
Page custom ApiUrlShow ApiUrlLeave
!insertmacro MUI_PAGE_INSTFILES
Page custom SummaryShow SummaryLeave

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "PortugueseBR"

; Every sentence of our own pages, in both languages (MUI chooses by Windows' display language). The install report
; stays in English: it is what support reads.
LangString WELCOME_TEXT ${LANG_ENGLISH} "This installs, for you alone and without administrator rights:$\r$\n$\r$\n\
  - the MasterSender relay, started in the background when you log on,$\r$\n\
  - the MasterSender Expert Advisor in every MetaTrader 5 it finds, compiled where MetaEditor is found.$\r$\n$\r$\n\
  Start each MetaTrader 5 once before this, so that its data folder exists.$\r$\n$\r$\n\
  $_CLICK"
LangString WELCOME_TEXT ${LANG_PORTUGUESEBR} "Isto instala, só para você e sem direitos de administrador:$\r$\n$\r$\n\
  - o relay MasterSender, iniciado em segundo plano quando você entra no Windows,$\r$\n\
  - o Expert Advisor MasterSender em cada MetaTrader 5 encontrado, compilado onde houver MetaEditor.$\r$\n$\r$\n\
  Abra cada MetaTrader 5 uma vez antes disto, para que a pasta de dados dele exista.$\r$\n$\r$\n\
  $_CLICK"
LangString SEC_RELAY ${LANG_ENGLISH} "MasterSender relay"
LangString SEC_RELAY ${LANG_PORTUGUESEBR} "Relay MasterSender"
LangString SEC_LOGON ${LANG_ENGLISH} "Start the relay when I log on"
LangString SEC_LOGON ${LANG_PORTUGUESEBR} "Iniciar o relay quando eu entrar no Windows"
LangString SEC_SERVICE ${LANG_ENGLISH} "Windows service instead (admin)"
LangString SEC_SERVICE ${LANG_PORTUGUESEBR} "Serviço do Windows em vez disso (admin)"
LangString SEC_EA ${LANG_ENGLISH} "Expert Advisor in every MetaTrader 5"
LangString SEC_EA ${LANG_PORTUGUESEBR} "Expert Advisor em cada MetaTrader 5"
LangString API_TITLE ${LANG_ENGLISH} "Signal API"
LangString API_TITLE ${LANG_PORTUGUESEBR} "API de sinais"
LangString API_SUBTITLE ${LANG_ENGLISH} "Where the relay sends the signals"
LangString API_SUBTITLE ${LANG_PORTUGUESEBR} "Para onde o relay envia os sinais"
LangString API_LABEL ${LANG_ENGLISH} "Base URL of the signal API (given by your provider), e.g. https://api.example.com.$\r$\nIt is written to appsettings.json next to the relay. Leave it empty to set it later there."
LangString API_LABEL ${LANG_PORTUGUESEBR} "URL base da API de sinais (informada pelo seu provedor), por exemplo https://api.example.com.$\r$\nEla é gravada no appsettings.json ao lado do relay. Deixe em branco para configurar depois lá."
LangString API_INVALID ${LANG_ENGLISH} "The API URL must start with https:// or http:// and contain no quotes or backslashes."
LangString API_INVALID ${LANG_PORTUGUESEBR} "A URL da API deve começar com https:// ou http:// e não conter aspas nem barras invertidas."
LangString DONE_TITLE ${LANG_ENGLISH} "MasterSender is installed"
LangString DONE_TITLE ${LANG_PORTUGUESEBR} "MasterSender está instalado"
LangString DONE_SUBTITLE ${LANG_ENGLISH} "What went where, and the two steps left in MetaTrader 5"
LangString DONE_SUBTITLE ${LANG_PORTUGUESEBR} "O que foi instalado onde, e os dois passos que faltam no MetaTrader 5"
LangString DONE_STEPS ${LANG_ENGLISH} "Two steps left, in each MetaTrader 5 (the EA went into the folders listed below):$\r$\n\
    1. Tools > Options > Expert Advisors: tick $\"Allow WebRequest for listed URL$\" and add 127.0.0.1$\r$\n\
    2. Navigator > Expert Advisors: drag MasterSender onto one chart and allow Algo Trading."
LangString DONE_STEPS ${LANG_PORTUGUESEBR} "Faltam dois passos, em cada MetaTrader 5 (o EA foi para as pastas listadas abaixo):$\r$\n\
    1. Ferramentas > Opções > Expert Advisors: marque $\"Permitir WebRequest para as URLs listadas$\" e adicione 127.0.0.1$\r$\n\
    2. Navegador > Expert Advisors: arraste o MasterSender para um gráfico e permita o Algo Trading."
LangString DONE_OPEN ${LANG_ENGLISH} "Open the status page now (${STATUS_URL})"
LangString DONE_OPEN ${LANG_PORTUGUESEBR} "Abrir a página de status agora (${STATUS_URL})"

; ---------------------------------------------------------------- helpers

!macro Say text ; one line to the details view and the report
  DetailPrint "${text}"
  FileWriteUTF16LE $Report "${text}$\r$\n"
!macroend
!define Say "!insertmacro Say"

!macro TrimLineEnd var ; a line read from a file keeps its CR/LF (the last line may have none)
  ${DoWhile} ${var} != ""
    StrCpy $9 ${var} 1 -1
    ${If} $9 != "$\r"
    ${AndIf} $9 != "$\n"
      ${Break}
    ${EndIf}
    StrCpy ${var} ${var} -1
  ${Loop}
!macroend

; $R0 = a data folder; out $R1 = its terminal's install folder from origin.txt, or "".
; MetaTrader writes origin.txt as UTF-16LE with a byte-order mark; read plain text too, to be safe.
Function ReadOrigin
  StrCpy $R1 ""
  ClearErrors
  FileOpen $R2 "$R0\origin.txt" r
  IfErrors done
  FileReadByte $R2 $R3
  FileReadByte $R2 $R4
  ${If} $R3 = 255
  ${AndIf} $R4 = 254
    FileReadUTF16LE $R2 $R1
  ${Else}
    FileSeek $R2 0 SET
    FileRead $R2 $R1
  ${EndIf}
  FileClose $R2
  ; trim the line end and any trailing backslash
  ${DoUntil} $R1 == ""
    StrCpy $R3 $R1 1 -1
    ${If} $R3 == "$\r"
    ${OrIf} $R3 == "$\n"
    ${OrIf} $R3 == " "
    ${OrIf} $R3 == "\"
      StrCpy $R1 $R1 -1
    ${Else}
      ${Break}
    ${EndIf}
  ${Loop}
  done:
FunctionEnd

; $R0 = data folder, $R1 = install folder holding metaeditor64.exe. Compiles the EA and reports the result.
; MetaEditor's exit code says little, so success is the fresh .ex5; the log's "Result:" line says why.
Function CompileEa
  StrCpy $R3 "$R0\MQL5\Experts\MasterSender"
  Delete "$R3.ex5"
  Delete "$R3.log"
  DetailPrint "Compiling: $R1\metaeditor64.exe /compile:$R3.mq5"
  nsExec::ExecToLog /TIMEOUT=180000 '"$R1\metaeditor64.exe" /compile:"$R3.mq5" /log:"$R3.log" /inc:"$R0\MQL5"'
  Pop $R4
  StrCpy $R5 "no compile log"
  ClearErrors
  FileOpen $R2 "$R3.log" r
  ${IfNot} ${Errors}
    ; the log is UTF-16LE; show every line in the details, keep the "Result:" one for the summary
    ${Do}
      ClearErrors
      FileReadUTF16LE $R2 $R6
      ${If} ${Errors}
        ${Break}
      ${EndIf}
      !insertmacro TrimLineEnd $R6
      ${If} $R6 != ""
        DetailPrint "  $R6"
      ${EndIf}
      StrCpy $R7 $R6 7
      ${If} $R7 == "Result:"
        StrCpy $R5 $R6
      ${EndIf}
    ${Loop}
    FileClose $R2
  ${EndIf}
  ${If} ${FileExists} "$R3.ex5"
    ${Say} "    compiled: $R5"
  ${Else}
    ${Say} "    NOT compiled ($R5, exit $R4): open MasterSender.mq5 in MetaEditor and press F7; log: $R3.log"
  ${EndIf}
FunctionEnd

; $R0 = a data folder with an MQL5 folder: copy the EA sources, keeping the repo layout, then compile.
Function InstallEaInto
  IntOp $Terminals $Terminals + 1
  ${Say} "  $R0\MQL5"
  SetOutPath "$R0\MQL5\Experts"
  File "${MQL5_SRC}/Experts/MasterSender.mq5"
  ; every .mqh, in subfolders too: new include files need no change here
  SetOutPath "$R0\MQL5\Include\MasterSender"
  File /r "${MQL5_SRC}/Include/MasterSender/*.mqh"
  Call ReadOrigin
  ${If} $R1 == ""
    ${Say} "    not compiled: no origin.txt names this terminal's folder; compile it in MetaEditor (F7)"
  ${ElseIfNot} ${FileExists} "$R1\metaeditor64.exe"
    ${Say} "    not compiled: no metaeditor64.exe in $R1; compile it in MetaEditor (F7)"
  ${Else}
    Call CompileEa
  ${EndIf}
FunctionEnd

!macro StopRelay
  ; An upgrade or uninstall must replace or delete the exe, which Windows locks while it runs.
  ; taskkill run by this user ends only this user's relays.
  nsExec::ExecToLog '"$SYSDIR\taskkill.exe" /F /IM ${RELAY}'
  Pop $0
  Sleep 500
!macroend

; ---------------------------------------------------------------- install

Section "$(SEC_RELAY)" SecRelay
  SectionIn RO
  SetOutPath "$INSTDIR"
  FileOpen $Report "$INSTDIR\install-report.txt" w
  FileWriteWord $Report 0xFEFF ; UTF-16LE byte-order mark: paths may hold any character
  ${Say} "MasterSender ${VERSION}"
  ${Say} ""
  !insertmacro StopRelay
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "Service"
  ${If} $0 = 1
    ; An upgrade over the service: its exe is locked by another account, which taskkill cannot end.
    ; Remove it (one UAC prompt); the service section adds it again if it is still chosen.
    ExecShellWait "runas" "$SYSDIR\cmd.exe" '/c ""$INSTDIR\service-remove.cmd""' SW_HIDE
    DeleteRegValue HKCU "${UNINST_KEY}" "Service"
    Sleep 1000
  ${EndIf}
  File "${RELAY_DIR}/${RELAY}"
  File "${RELAY_DIR}/${STARTER}"
  File "${SCRIPTS}/service-install.cmd"
  File "${SCRIPTS}/service-remove.cmd"
  ; every key, commented, for reference; appsettings.json itself is the user's and only written as below
  File "/oname=appsettings.sample.json" "${RELAY_DIR}/appsettings.json"
  Call WriteSettings
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateDirectory "$SMPROGRAMS\MasterSender"
  WriteINIStr "$SMPROGRAMS\MasterSender\MasterSender status.url" "InternetShortcut" "URL" "${STATUS_URL}" ; opens the status page
  CreateShortcut "$SMPROGRAMS\MasterSender\Start MasterSender relay.lnk" "$INSTDIR\${STARTER}" "" "$INSTDIR\${RELAY}"
  CreateShortcut "$SMPROGRAMS\MasterSender\Uninstall MasterSender.lnk" "$INSTDIR\Uninstall.exe"

  ; Apps & features entry, per user
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "MasterSender"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "MasterSender"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${RELAY}"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0

  ${Say} "Relay:        $INSTDIR\${RELAY}"
  ${Say} "Data folder:  ${DATA_DIR} (logs, outbox, saved login)"
  ${Say} "Status page:  ${STATUS_URL} (Start menu > MasterSender > MasterSender status)"
SectionEnd

; appsettings.json next to the relay: with the API URL when one was given (an older file is kept as .bak), else
; the commented sample when there is none yet; an existing file and no new URL: left as it is.
Function WriteSettings
  ${If} $ApiUrl != ""
    ${If} ${FileExists} "$INSTDIR\appsettings.json"
      Delete "$INSTDIR\appsettings.json.bak"
      Rename "$INSTDIR\appsettings.json" "$INSTDIR\appsettings.json.bak"
      ${Say} "Settings:     previous appsettings.json kept as appsettings.json.bak"
    ${EndIf}
    FileOpen $0 "$INSTDIR\appsettings.json" w
    FileWrite $0 "// MasterSender relay settings, written by the setup. Every key, explained: appsettings.sample.json.$\r$\n"
    FileWrite $0 "{$\r$\n  $\"Api$\": {$\r$\n    $\"Url$\": $\"$ApiUrl$\"$\r$\n  }$\r$\n}$\r$\n"
    FileClose $0
    WriteRegStr HKCU "${UNINST_KEY}" "ApiUrl" "$ApiUrl"
    ${Say} "Signal API:   $ApiUrl (Api:Url in $INSTDIR\appsettings.json)"
  ${ElseIfNot} ${FileExists} "$INSTDIR\appsettings.json"
    CopyFiles /SILENT "$INSTDIR\appsettings.sample.json" "$INSTDIR\appsettings.json"
    ${Say} "Signal API:   not set; set Api:Url in $INSTDIR\appsettings.json"
  ${Else}
    ${Say} "Settings:     $INSTDIR\appsettings.json kept as it was"
  ${EndIf}
FunctionEnd

; The API URL page: pre-filled with last time's answer.
Function ApiUrlShow
  !insertmacro MUI_HEADER_TEXT "$(API_TITLE)" "$(API_SUBTITLE)"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 40u "$(API_LABEL)"
  Pop $0
  ${NSD_CreateText} 0 44u 100% 12u "$ApiUrl"
  Pop $ApiUrlField
  nsDialogs::Show
FunctionEnd

Function ApiUrlLeave
  ${NSD_GetText} $ApiUrlField $ApiUrl
  Push $ApiUrl
  Call CheckApiUrl
  Pop $0
  ${If} $0 != ""
    MessageBox MB_ICONEXCLAMATION "$(API_INVALID)"
    Abort
  ${EndIf}
FunctionEnd

; Pops the command line, pushes the value of /APIURL= (up to the next space, quotes removed), or "-" without one.
; Not GetOptions: it cuts a value at the next "/", and a URL is full of them.
Function ApiUrlOption
  Exch $R0
  Push $R1
  Push $R2
  StrCpy $R1 0
  StrCpy $R2 "-"
  ${Do}
    StrCpy $0 $R0 8 $R1
    ${If} $0 == ""
      ${Break}
    ${EndIf}
    ${If} $0 == "/APIURL="
      IntOp $R1 $R1 + 8
      StrCpy $R2 ""
      ${Do}
        StrCpy $0 $R0 1 $R1
        ${If} $0 == ""
        ${OrIf} $0 == " "
          ${Break}
        ${EndIf}
        ${If} $0 != '"'
          StrCpy $R2 "$R2$0"
        ${EndIf}
        IntOp $R1 $R1 + 1
      ${Loop}
      ${Break}
    ${EndIf}
    IntOp $R1 $R1 + 1
  ${Loop}
  StrCpy $R0 $R2
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

; Pops a URL, pushes "" when it is empty or acceptable (http(s)://, no quote or backslash: it goes into JSON as is).
Function CheckApiUrl
  Exch $R0
  Push $R1
  Push $R2
  StrCpy $R2 ""
  ${If} $R0 != ""
    StrCpy $R1 $R0 8
    ${If} $R1 != "https://"
      StrCpy $R1 $R0 7
      ${If} $R1 != "http://"
        StrCpy $R2 "bad"
      ${EndIf}
    ${EndIf}
    StrCpy $R1 0
    ${Do}
      StrCpy $0 $R0 1 $R1
      ${If} $0 == ""
        ${Break}
      ${EndIf}
      ${If} $0 == '"'
      ${OrIf} $0 == "\"
        StrCpy $R2 "bad"
      ${EndIf}
      IntOp $R1 $R1 + 1
    ${Loop}
  ${EndIf}
  StrCpy $R0 $R2
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

Section "$(SEC_LOGON)" SecLogon
  ; HKCU Run rather than a Startup-folder shortcut: one value the uninstaller removes exactly, listed in
  ; Task Manager > Startup where the user can switch it off, and independent of folder redirection.
  ; It runs the starter, which hides the relay's console window.
  WriteRegStr HKCU "${RUN_KEY}" "MasterSender" '"$INSTDIR\${STARTER}"'
  ${Say} "Starts at logon: HKCU\${RUN_KEY}\MasterSender"
SectionEnd

Section /o "$(SEC_SERVICE)" SecService
  ; The setup itself stays per-user; only this step elevates, through one UAC prompt for the script.
  ExecShellWait "runas" "$SYSDIR\cmd.exe" '/c ""$INSTDIR\service-install.cmd" "${DATA_DIR}""' SW_HIDE
  nsExec::ExecToStack '"$SYSDIR\sc.exe" query ${SERVICE}'
  Pop $0
  Pop $1
  ${If} $0 = 0
    WriteRegDWORD HKCU "${UNINST_KEY}" "Service" 1
    ; the service replaces the logon start: two relays would fight over the ports
    DeleteRegValue HKCU "${RUN_KEY}" "MasterSender"
    ${Say} "Windows service: ${SERVICE} (starts with Windows, data in ${DATA_DIR})"
  ${Else}
    ; never leave the relay without any automatic start
    WriteRegStr HKCU "${RUN_KEY}" "MasterSender" '"$INSTDIR\${STARTER}"'
    ${Say} "Windows service NOT installed (administrator rights refused or sc.exe failed): starts at logon instead"
  ${EndIf}
SectionEnd

Section "$(SEC_EA)" SecEa
  StrCpy $Terminals 0
  ${Say} ""
  ${Say} "Expert Advisor (Experts\MasterSender.mq5, Include\MasterSender\) copied to:"
  ClearErrors
  FindFirst $R8 $R9 "${TERMINALS}\*"
  ${DoUntil} ${Errors}
    ${If} $R9 != "."
    ${AndIf} $R9 != ".."
    ${AndIf} ${FileExists} "${TERMINALS}\$R9\MQL5\*.*"
      StrCpy $R0 "${TERMINALS}\$R9"
      Call InstallEaInto
    ${EndIf}
    ClearErrors
    FindNext $R8 $R9
  ${Loop}
  FindClose $R8
  ${If} $Terminals = 0
    ${Say} "  none: no MetaTrader 5 data folder in ${TERMINALS}."
    ${Say} "  Start MetaTrader 5 once, then run this setup again (or copy the EA by hand)."
  ${EndIf}
  ; the sources also stay next to the relay, for terminals installed later or with /portable
  SetOutPath "$INSTDIR\mql5\Experts"
  File "${MQL5_SRC}/Experts/MasterSender.mq5"
  SetOutPath "$INSTDIR\mql5\Include\MasterSender"
  File /r "${MQL5_SRC}/Include/MasterSender/*.mqh"
  SetOutPath "$INSTDIR"
SectionEnd

Section "-Finish"
  ${Say} ""
  ${Say} "Next, in each MetaTrader 5:"
  ${Say} "  1. Tools > Options > Expert Advisors: tick 'Allow WebRequest for listed URL' and add 127.0.0.1"
  ${Say} "     (the EA talks to the relay on 127.0.0.1:47800)."
  ${Say} "  2. Navigator > Expert Advisors: drag MasterSender onto one chart and allow Algo Trading."
  ${Say} "Then open the status page to log in and watch trades arrive."
  FileClose $Report

  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/NOSTART" $1
  ${If} ${Errors}
    ReadRegDWORD $1 HKCU "${UNINST_KEY}" "Service"
    ${If} $1 <> 1 ; the service was started by its script
      Exec '"$INSTDIR\${STARTER}"'
    ${EndIf}
  ${EndIf}
SectionEnd

LangString DESC_Relay ${LANG_ENGLISH} "The relay (one self-contained exe), Start-menu shortcuts and the uninstaller. No administrator rights."
LangString DESC_Logon ${LANG_ENGLISH} "Start the relay in the background whenever you log on to Windows."
LangString DESC_Service ${LANG_ENGLISH} "Run the relay as a Windows service, even before anyone logs on (asks for administrator rights once)."
LangString DESC_Ea ${LANG_ENGLISH} "Copy the EA into every MetaTrader 5 data folder of this user and compile it where MetaEditor is found."
LangString DESC_Relay ${LANG_PORTUGUESEBR} "O relay (um exe autossuficiente), os atalhos no menu Iniciar e o desinstalador. Sem direitos de administrador."
LangString DESC_Logon ${LANG_PORTUGUESEBR} "Iniciar o relay em segundo plano sempre que você entrar no Windows."
LangString DESC_Service ${LANG_PORTUGUESEBR} "Rodar o relay como serviço do Windows, mesmo antes de alguém entrar (pede direitos de administrador uma vez)."
LangString DESC_Ea ${LANG_PORTUGUESEBR} "Copiar o EA para cada pasta de dados do MetaTrader 5 deste usuário e compilá-lo onde houver MetaEditor."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecRelay} $(DESC_Relay)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecLogon} $(DESC_Logon)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecService} $(DESC_Service)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecEa} $(DESC_Ea)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  SetShellVarContext current
  ReadRegStr $ApiUrl HKCU "${UNINST_KEY}" "ApiUrl"
  ${GetParameters} $1
  Push $1
  Call ApiUrlOption
  Pop $2
  ${If} $2 != "-"
    Push $2
    Call CheckApiUrl
    Pop $3
    ${If} $3 != ""
      ${IfNot} ${Silent}
        MessageBox MB_ICONEXCLAMATION "$(API_INVALID)"
      ${EndIf}
      SetErrorLevel 2
      Quit
    ${EndIf}
    StrCpy $ApiUrl $2
  ${EndIf}
  ; an upgrade keeps the choice made last time: service or logon start
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "Service"
  ${GetParameters} $1
  ClearErrors
  ${GetOptions} $1 "/SERVICE" $2
  ${IfNot} ${Errors}
    StrCpy $0 1 ; unattended service install (run elevated, or accept the UAC prompt)
  ${EndIf}
  ${If} $0 = 1
    !insertmacro SelectSection ${SecService}
    !insertmacro UnselectSection ${SecLogon}
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- last page: what went where, what's next

Function SummaryShow
  !insertmacro MUI_HEADER_TEXT "$(DONE_TITLE)" "$(DONE_SUBTITLE)"
  nsDialogs::Create 1018
  Pop $0
  ; the two steps first, where nobody can miss them; the full report below
  ${NSD_CreateLabel} 0 0 100% 26% "$(DONE_STEPS)"
  Pop $1
  nsDialogs::CreateControl EDIT ${DEFAULT_STYLES}|${WS_TABSTOP}|${WS_VSCROLL}|${ES_MULTILINE}|${ES_READONLY}|${ES_AUTOVSCROLL} \
    ${WS_EX_CLIENTEDGE} 0 27% 100% 58% ""
  Pop $1
  ; the report is read line by line into the box: it can be longer than one NSIS string
  ClearErrors
  FileOpen $2 "$INSTDIR\install-report.txt" r
  ${IfNot} ${Errors}
    FileReadWord $2 $3 ; byte-order mark
    ${Do}
      ClearErrors
      FileReadUTF16LE $2 $3
      ${If} ${Errors}
        ${Break}
      ${EndIf}
      SendMessage $1 ${EM_REPLACESEL} 0 "STR:$3"
    ${Loop}
    FileClose $2
  ${EndIf}
  SendMessage $1 ${EM_SETSEL} 0 0
  SendMessage $1 ${EM_SCROLLCARET} 0 0
  ${NSD_CreateCheckbox} 0 88% 100% 10u "$(DONE_OPEN)"
  Pop $OpenStatus
  ${NSD_Check} $OpenStatus
  ; this is the last page: Finish, nothing to go back to or cancel
  GetDlgItem $0 $HWNDPARENT 1
  SendMessage $0 ${WM_SETTEXT} 0 "STR:$(^CloseBtn)"
  GetDlgItem $0 $HWNDPARENT 2
  EnableWindow $0 0
  GetDlgItem $0 $HWNDPARENT 3
  ShowWindow $0 ${SW_HIDE}
  nsDialogs::Show
FunctionEnd

Function SummaryLeave
  ${NSD_GetState} $OpenStatus $0
  ${If} $0 = ${BST_CHECKED}
    ExecShell "open" "${STATUS_URL}"
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstall

Section "un.MasterSender relay and Expert Advisor" UnSecProgram
  SectionIn RO
  !insertmacro StopRelay
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "Service"
  ${If} $0 = 1
    ExecShellWait "runas" "$SYSDIR\cmd.exe" '/c ""$INSTDIR\service-remove.cmd""' SW_HIDE
  ${EndIf}
  DeleteRegValue HKCU "${RUN_KEY}" "MasterSender"

  ; the EA from every terminal (only the files this setup puts there)
  ClearErrors
  FindFirst $R8 $R9 "${TERMINALS}\*"
  ${DoUntil} ${Errors}
    ${If} $R9 != "."
    ${AndIf} $R9 != ".."
    ${AndIf} ${FileExists} "${TERMINALS}\$R9\MQL5\Experts\MasterSender.mq5"
      Delete "${TERMINALS}\$R9\MQL5\Experts\MasterSender.mq5"
      Delete "${TERMINALS}\$R9\MQL5\Experts\MasterSender.ex5"
      Delete "${TERMINALS}\$R9\MQL5\Experts\MasterSender.log"
      RMDir /r "${TERMINALS}\$R9\MQL5\Include\MasterSender"
      DetailPrint "EA removed from ${TERMINALS}\$R9\MQL5"
    ${EndIf}
    ClearErrors
    FindNext $R8 $R9
  ${Loop}
  FindClose $R8

  RMDir /r "$SMPROGRAMS\MasterSender"
  Delete "$INSTDIR\${RELAY}"
  Delete "$INSTDIR\${STARTER}"
  Delete "$INSTDIR\service-install.cmd"
  Delete "$INSTDIR\service-remove.cmd"
  Delete "$INSTDIR\install-report.txt"
  Delete "$INSTDIR\appsettings.sample.json"
  ; appsettings.json is the user's settings: kept, like the data folder, unless they ask for their data to go
  RMDir /r "$INSTDIR\mql5"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR" ; only if empty: never sweep away files we did not put there
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.Remove my data (logs, outbox, saved login)" UnSecData
  RMDir /r "${DATA_DIR}"
  DetailPrint "Removed ${DATA_DIR}"
  Delete "$INSTDIR\appsettings.json"
  Delete "$INSTDIR\appsettings.json.bak"
  RMDir "$INSTDIR"
SectionEnd

Section "-un.Report"
  ${IfNot} ${SectionIsSelected} ${UnSecData}
    DetailPrint "Kept your data folder ${DATA_DIR}"
  ${EndIf}
SectionEnd

Function un.onInit
  SetShellVarContext current
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/REMOVEDATA" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${UnSecData}
  ${EndIf}
FunctionEnd

LangString UNDESC_Program ${LANG_ENGLISH} "The relay, its shortcuts, its logon start or service, and the EA files this setup put into each MetaTrader 5."
LangString UNDESC_Data ${LANG_ENGLISH} "Also delete ${DATA_DIR}: logs, undelivered signals and the saved login. Kept unless ticked, for a reinstall."
LangString UNDESC_Program ${LANG_PORTUGUESEBR} "O relay, seus atalhos, sua inicialização ou serviço, e os arquivos do EA que este instalador pôs em cada MetaTrader 5."
LangString UNDESC_Data ${LANG_PORTUGUESEBR} "Apagar também ${DATA_DIR}: logs, sinais não entregues e o login salvo. Mantido se não marcado, para reinstalar."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecProgram} $(UNDESC_Program)
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} $(UNDESC_Data)
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
