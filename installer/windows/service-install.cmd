@echo off
rem Registers the relay as the Windows service MasterSenderRelay and starts it. The installer runs this elevated
rem (one UAC prompt for every sc.exe step). %1 = the installing user's data folder: the service keeps its logs
rem and outbox there too, so the status page, the logs and "remove my data" mean one folder whoever runs it.
setlocal
set "EXE=%~dp0MasterSender.Relay.exe"
set "DATA=%~1"
if "%DATA%"=="" set "DATA=%LOCALAPPDATA%\MasterSender"
sc.exe query MasterSenderRelay >nul 2>&1
if not errorlevel 1 (
  sc.exe stop MasterSenderRelay >nul 2>&1
  sc.exe delete MasterSenderRelay >nul
)
sc.exe create MasterSenderRelay binPath= "\"%EXE%\" run --Storage:Path=\"%DATA%\"" start= auto DisplayName= "MasterSender relay" || exit /b 1
sc.exe description MasterSenderRelay "Relays trades from the MasterSender EA in MetaTrader 5 to the signal API." >nul
rem Come back after a crash: a trade copier that stays down silently is the worst failure.
sc.exe failure MasterSenderRelay reset= 86400 actions= restart/5000/restart/5000/restart/60000 >nul
sc.exe start MasterSenderRelay >nul
exit /b 0
