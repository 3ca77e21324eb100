@echo off
rem Fleet launcher of the release archive for Windows: needs only a Java 17+ runtime.
rem stdout belongs to the MCP protocol; Java writes its own messages to stderr.
setlocal
set "FLEET_HOME=%~dp0.."
if defined JAVA_HOME (set "FLEET_JAVA=%JAVA_HOME%\bin\java.exe") else (set "FLEET_JAVA=java")
set "FLEET_JAR=%FLEET_HOME%\lib\fleet.jar"
rem The install folder may be read-only: the class-data archives live in the user's local app data.
set "FLEET_CACHE=%LOCALAPPDATA%\fleet"
if not exist "%FLEET_CACHE%" mkdir "%FLEET_CACHE%" >nul 2>&1
rem Claude Code runs "fleet statusline" for every status line refresh: no class-data recording there,
rem which would slow every later server start.
if /i "%~1"=="statusline" if "%~2"=="" goto :statusline

rem Each kind of start maps a class-data archive of its own, as with the Unix launcher: a "fleet
rem status" run first after an install must not record the archive a server start then maps.
rem Kinds: the relay ("fleet" or "fleet serve"), the daemon ("fleet daemon [options]"), the
rem standalone server ("fleet serve --standalone" or FLEET_STANDALONE=1) and any other command.
set "FLEET_KIND=fleet-cli"
set "FLEET_ARG2=%~2"
if "%~1"=="" set "FLEET_KIND=fleet-relay"
if /i "%~1"=="serve" if "%~2"=="" set "FLEET_KIND=fleet-relay"
if "%FLEET_KIND%"=="fleet-relay" if "%FLEET_STANDALONE%"=="1" set "FLEET_KIND=fleet"
if /i "%~1"=="serve" if "%~2"=="--standalone" set "FLEET_KIND=fleet"
if /i "%~1"=="daemon" if "%~2"=="" set "FLEET_KIND=fleet-daemon"
if /i "%~1"=="daemon" if defined FLEET_ARG2 if "%FLEET_ARG2:~0,1%"=="-" set "FLEET_KIND=fleet-daemon"
rem The relay only copies lines: its own small jar starts without opening the server's libraries.
if "%FLEET_KIND%"=="fleet-relay" if exist "%FLEET_HOME%\lib\fleet-relay.jar" set "FLEET_JAR=%FLEET_HOME%\lib\fleet-relay.jar"

rem The JVM's options per kind, as the Unix launcher gives them. The relay only copies lines: small
rem code cache and a heap that may grow to a few times the largest message, first JIT tier only; G1, since Java 17 maps the JDK's archived module graph
rem only with G1. The daemon, the standalone server and other commands keep the optimising JIT (SSH's
rem AES-GCM needs it for transfers at disk speed), compile after twice the usual calls (a start's code
rem mostly runs a few times) but the transfer path after a tenth of the usual calls (its factors are
rem multiplied by the 2) so that a server's first large transfer is faster; "quiet" first, or the JVM prints
rem each command on stdout, which carries MCP. Survivor spaces of a quarter of the young generation keep a
rem transfer's buffers in flight out of the old generation. (The Unix launcher's C-heap trim is Linux only.)
set FLEET_KIND_OPTS=-XX:+UseSerialGC -XX:SurvivorRatio=2 -Xss512k -XX:MaxRAM=1g -XX:-ShrinkHeapInSteps -XX:CompileThresholdScaling=2 -XX:CompileCommand=quiet "-XX:CompileCommand=option,com.sun.crypto.provider.*::*,double,CompileThresholdScaling,0.025" "-XX:CompileCommand=option,org.apache.sshd.common.cipher.*::*,double,CompileThresholdScaling,0.05" "-XX:CompileCommand=option,org.apache.sshd.common.session.helpers.AbstractSession::*,double,CompileThresholdScaling,0.05" "-XX:CompileCommand=option,org.apache.sshd.common.util.buffer.*::*,double,CompileThresholdScaling,0.05" "-XX:CompileCommand=option,org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync::*,double,CompileThresholdScaling,0.05"
if "%FLEET_KIND%"=="fleet-relay" set FLEET_KIND_OPTS=-XX:+UseG1GC -Xss256k -Xms8m -Xmx96m -XX:MaxMetaspaceSize=32m -XX:ReservedCodeCacheSize=8m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=10 -XX:-UsePerfData

rem The archive is mapped when there is one and recorded as the JVM exits when there is none. The
rem JVM is told its name either way: fleet checks that this Java runtime and this fleet.jar are the
rem ones that recorded it, and removes one they cannot map (after a Java or fleet update), so that
rem the next start records it anew instead of every start running without it. Quoted, since the
rem user's folder may hold spaces.
set "FLEET_ARCHIVE=%FLEET_CACHE%\%FLEET_KIND%.jsa"
set FLEET_CDS="-XX:ArchiveClassesAtExit=%FLEET_ARCHIVE%" -Dfleet.classdata.recording=true
if exist "%FLEET_ARCHIVE%" set FLEET_CDS="-XX:SharedArchiveFile=%FLEET_ARCHIVE%"
"%FLEET_JAVA%" %FLEET_KIND_OPTS% -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr %FLEET_CDS% "-Dfleet.classdata.archive=%FLEET_ARCHIVE%" %FLEET_JAVA_OPTS% "-Dfleet.launcher=%~f0" -jar "%FLEET_JAR%" %*
exit /b %ERRORLEVEL%

:statusline
rem The standalone server's archive, when a server start has recorded one; never recorded here.
set "FLEET_SL_CDS="
if exist "%FLEET_CACHE%\fleet.jsa" set FLEET_SL_CDS="-XX:SharedArchiveFile=%FLEET_CACHE%\fleet.jsa"
"%FLEET_JAVA%" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr %FLEET_SL_CDS% -jar "%FLEET_HOME%\lib\fleet.jar" statusline
exit /b %ERRORLEVEL%
