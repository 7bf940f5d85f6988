@echo off
rem Stops and removes the MasterSenderRelay service; the uninstaller runs this elevated when it installed one.
sc.exe stop MasterSenderRelay >nul 2>&1
sc.exe delete MasterSenderRelay >nul 2>&1
exit /b 0
