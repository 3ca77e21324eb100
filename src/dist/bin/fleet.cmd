@echo off
rem Fleet launcher of the release archive for Windows: needs only a Java 17+ runtime.
rem stdout belongs to the MCP protocol; Java writes its own messages to stderr.
setlocal
set "FLEET_HOME=%~dp0.."
if defined JAVA_HOME (set "FLEET_JAVA=%JAVA_HOME%\bin\java.exe") else (set "FLEET_JAVA=java")
rem The install folder may be read-only: the class-data archive lives in the user's local app data.
set "FLEET_CACHE=%LOCALAPPDATA%\fleet"
if not exist "%FLEET_CACHE%" mkdir "%FLEET_CACHE%" >nul 2>&1
rem Claude Code runs "fleet statusline" for every status line refresh: no class-data recording there,
rem which would slow every later server start.
if /i "%~1"=="statusline" if "%~2"=="" goto :statusline
set "FLEET_CDS=-XX:ArchiveClassesAtExit=%FLEET_CACHE%\fleet.jsa"
if exist "%FLEET_CACHE%\fleet.jsa" set "FLEET_CDS=-XX:SharedArchiveFile=%FLEET_CACHE%\fleet.jsa"
"%FLEET_JAVA%" -XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g -XX:-ShrinkHeapInSteps -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr %FLEET_CDS% %FLEET_JAVA_OPTS% "-Dfleet.launcher=%~f0" -jar "%FLEET_HOME%\lib\fleet.jar" %*
exit /b %ERRORLEVEL%

:statusline
set "FLEET_SL_CDS="
if exist "%FLEET_CACHE%\fleet.jsa" set "FLEET_SL_CDS=-XX:SharedArchiveFile=%FLEET_CACHE%\fleet.jsa"
"%FLEET_JAVA%" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr %FLEET_SL_CDS% -jar "%FLEET_HOME%\lib\fleet.jar" statusline
exit /b %ERRORLEVEL%
