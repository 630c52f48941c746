package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.core.Device;
import airemu.core.DeviceTimers;
import airemu.core.Firmware;
import airemu.core.Message;
import airemu.core.Step;
import airemu.netif.NetMessage;
import airemu.netif.NetStack;
import airemu.serial.ShellCommand;
import airemu.serial.UartReceived;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * The LuatOS firmware for one boot of a device: a Lua VM prepared as the module's (5.3 behaviour,
 * LuatOS libraries, {@code sys} auto-loaded), running the project's {@code main.lua} in a host coroutine.
 *
 * <p>When the script waits in {@code rtos.receive} the host coroutine yields and the step ends with
 * a {@link Step#waitUntil deadline}; mail on the device's bus resumes it. A script error, a watchdog
 * reset, {@code os.exit} or {@code rtos.reboot} ends the VM with the module's log lines.
 *
 * <pre>{@code
 * Device device = scheduler.newDevice(options, d -> new LuaFirmware(d, DeviceSetup.of(board, project, storage)), listener);
 * }</pre>
 */
public final class LuaFirmware implements Firmware {
  /** How many messages one step hands to the script before letting other devices run. */
  private static final int MESSAGES_PER_STEP = 256;
  private static final long MSG_TIMER = 1;

  public LuaFirmware(Device device, DeviceSetup setup) {
    attach(device, setup);
  }

  /**
   * The firmware for a device's boot; the first one takes over the VM that {@link #warmUp} is
   * preparing, if a command line started one, and waits for it only after the banner.
   */
  public static LuaFirmware forDevice(Device device, DeviceSetup setup) {
    LuaFirmware fw = WARMING.getAndSet(null);
    if (fw == null) return new LuaFirmware(device, setup);
    fw.attach(device, setup); // beside prepareVm on the warm-up thread: they touch different fields
    return fw;
  }

  /**
   * Prepares a VM (natives, libraries, prelude) for the first {@link #forDevice} while a command
   * line is still parsing its arguments and setting up: a device's first boot then only runs the script.
   */
  public static void warmUp() {
    LuaFirmware fw = new LuaFirmware(null, null);
    fw.vmReady = new java.util.concurrent.CompletableFuture<>();
    WARMING.set(fw);
    boolean ok = false;
    try {
      fw.prepareVm();
      ok = true;
    } catch (RuntimeException | Error e) {
      fw.close(); // the boot builds its own VM and reports the problem there
    }
    fw.vmReady.complete(ok);
  }

  @Override
  public Step boot() {
    banner(); // the module prints it before the file system and the VM exist (luat_main.c)
    if (vmReady != null) {
      if (!vmReady.join()) vm = null;
      vmReady = null;
    }
    if (vm == null) prepareVm();
    memoryLines();
    sockets.start(vm.main());
    Libraries.fitBoard(this, vm.main());
    autoloadSys(vm.main());
    return startMain(vm.main());
  }

  private void attach(Device device, DeviceSetup setup) {
    this.device = device;
    this.setup = setup;
    this.board = setup == null ? null : setup.board();
    this.fs = setup == null ? null : new FileSystem(setup.project(), setup.storage());
  }

  /** The VM with the firmware's libraries and the prelude, before any script runs. */
  private void prepareVm() {
    vm = new Vm(this::abandoned);
    Lua L = vm.main();
    for (String lib : List.of("base", "string", "table", "math", "coroutine", "utf8", "debug", "io")) L.openLibrary(lib);
    installHost(L);
    installLibraries(L);
    sockets = new SocketLib(this);
    sockets.install(L);
    runPrelude(L);
  }

  @Override
  public Step resume() {
    delivered = 0;
    return runHost(0);
  }

  /**
   * The watchdog thread gave up the step running this VM (stuck in one native call): the VM goes
   * inert, the network and UARTs are released (they live outside the VM), and the VM ends as the
   * module's watchdog reset. The stuck thread closes the VM itself if the call ever returns.
   */
  @Override
  public Step abandon(boolean report) {
    Step reset = watchdogReset(report);
    abandoned = true;
    if (sockets != null) sockets.close();
    if (uarts != null) uarts.close();
    return reset;
  }

  @Override
  public void close() {
    if (sockets != null) sockets.close();
    if (uarts != null) uarts.close();
    if (vm != null) {
      vm.close();
      vm = null;
    }
  }

  // --- what bindings use -------------------------------------------------------------------------

  private boolean abandoned() {
    return abandoned;
  }

  Vm vm() {
    return vm;
  }

  SocketLib sockets() {
    return sockets;
  }

  Device device() {
    return device;
  }

  BoardProfile board() {
    return board;
  }

  DeviceSetup setup() {
    return setup;
  }

  FileSystem fs() {
    return fs;
  }

  /**
   * The network of the current boot, or null before the first boot: its link controls
   * ({@code bringUp}, {@code bringDown}, {@code setLink}, {@code setIp}, {@code setAddresses}) may be
   * called from any thread, everything else only from the device's.
   */
  public NetStack network() {
    SocketLib s = sockets;
    return s == null ? null : s.net();
  }

  /** The chip id {@code mcu.unique_id()} returns on the device named {@code deviceName}. */
  public static byte[] uniqueId(String deviceName, BoardProfile board) {
    return McuLib.uniqueId(deviceName, board.uniqueIdBytes());
  }

  /**
   * The Lua heap as the firmware reports it ({@code luat_meminfo_luavm}): the board's total, {@code used}
   * bytes now, and the most this boot has been seen to use.
   */
  long[] luaHeap(long used) {
    maxLuaUsed = Math.max(maxLuaUsed, used);
    return new long[] {board.memory().lua(), used, maxLuaUsed};
  }

  /** The device's wall clock as scripts read it ({@code os.time}) and TLS checks certificates against, in epoch milliseconds. Any thread. */
  long wallMillis() {
    return device.clock().currentTimeMillis() + wallOffsetMillis;
  }

  /** Sets the RTC, as a network time sync does: the wall clock becomes the host clock plus {@code offsetMillis}. */
  void setRtc(long offsetMillis) {
    wallOffsetMillis = offsetMillis;
  }

  /** The timezone {@code os.date} applies, in quarter hours (the module's default is +8 h). */
  int timezoneQuarters() {
    return timezoneQuarters;
  }

  /** Sets the RTC to {@code epochMillis} now, as {@code rtc.set} does. */
  void setWallMillis(long epochMillis) {
    setRtc(epochMillis - device.clock().currentTimeMillis());
  }

  /** {@code rtc.timezone(tz)}: what {@code os.date} applies from now on. */
  void setTimezoneQuarters(int quarters) {
    timezoneQuarters = quarters;
  }

  /** A firmware (C-side) log line, {@code I/main text}, subject to {@code log.setLevel}. */
  void clog(char level, String tag, String text) {
    int n = switch (level) {
      case 'D' -> 1;
      case 'I' -> 2;
      case 'W' -> 3;
      default -> 4;
    };
    if (logLevel > n || abandoned) return;
    device.log((level + "/" + tag + " " + text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  // --- boot ---------------------------------------------------------------------------------------

  private void banner() {
    BoardProfile.Firmware f = board.firmware();
    clog('I', "main", "LuatOS@" + f.bannerModel() + " base " + f.base() + " bsp " + f.bspVersion() + " " + f.vm());
    clog('I', "main", "ROM Build: " + f.build());
  }

  private void memoryLines() {
    long used = luaMemory();
    // the board's Lua heap, plus what this VM's own prelude and libraries take (the module's are in ROM)
    Lua L = vm.main();
    L.refGet(prelude);
    L.getField(-1, "set_heap_limit");
    L.push((board.memory().lua() + used) / 1024.0);
    callMain(L, 1, 0, "heap limit");
    L.pop(1);
    BoardProfile.Memory m = board.memory();
    clog('D', "main", "loadlibs luavm " + m.lua() + " " + used + " " + used);
    clog('D', "main", "loadlibs sys   " + m.sys() + " " + m.sysUsed() + " " + m.sysUsed());
    if (m.psram() > 0) clog('D', "main", "loadlibs psram " + m.psram() + " " + m.sysUsed() + " " + m.sysUsed());
  }

  /** The host functions the prelude wires into the VM (table H). */
  private void installHost(Lua L) {
    L.newTable();
    vm.setControlFunction(L, -1, "must_stop", l -> {
      String why = stopReason();
      if (why == null) return 0;
      l.push(why);
      return 1;
    });
    vm.setControlFunction(L, -1, "abort", this::abort);
    vm.setFunction(L, -1, "format_number", l -> {
      l.push(Printf.luaNumber(l.toNumber(1)));
      return 1;
    });
    vm.setFunction(L, -1, "write_line", l -> {
      byte[] text = vm.toBytes(l, 1);
      byte[] line = java.util.Arrays.copyOf(text, text.length + 1);
      line[text.length] = '\n';
      device.log(line);
      return 0;
    });
    vm.setFunction(L, -1, "format", l -> StringLib.format(vm, l));
    vm.setFunction(L, -1, "read_source", l -> {
      byte[] src = fs.read(Args.checkString(vm, l, 1));
      if (src == null) {
        l.pushNil();
        l.push(FileSystem.ENOENT);
        return 2;
      }
      vm.pushBytes(l, src);
      return 1;
    });
    vm.setFunction(L, -1, "builtin", l -> {
      byte[] src = builtinSource(Args.checkString(vm, l, 1));
      if (src == null) return 0;
      vm.pushBytes(l, src);
      return 1;
    });
    vm.setFunction(L, -1, "take", this::take);
    vm.setFunction(L, -1, "set_log_level", l -> {
      logLevel = (int) l.toInteger(1);
      return 0;
    });
    vm.setFunction(L, -1, "host_path", l -> {
      FileSystem.Resolved r = fs.resolve(Args.checkString(vm, l, 1), l.toBoolean(2));
      if (!r.ok()) {
        l.pushNil();
        l.push(r.errno());
        return 2;
      }
      vm.pushString(l, r.host().toString());
      return 1;
    });
    L.newTable();
    IoLib.install(this, L);
    L.setField(-2, "io_extensions");
    L.newTable();
    for (int i = 0; i < Libraries.NAMES.size(); i++) {
      L.push(Libraries.NAMES.get(i));
      L.rawSetI(-2, i + 1);
    }
    L.setField(-2, "libraries");
    hostTable = L.ref();
  }

  private void installLibraries(Lua L) {
    Libraries.install(this, L);
  }

  private void runPrelude(Lua L) {
    vm.load(L, resource("prelude.lua"), "=[C]");
    L.refGet(hostTable);
    callMain(L, 1, 1, "prelude");
    prelude = L.ref();
  }

  private void autoloadSys(Lua L) {
    // the firmware requires sys and sysplus into globals before main.lua (luat_main.c)
    vm.load(L, "_G.sys = require('sys') _G.sysplus = require('sysplus')".getBytes(StandardCharsets.UTF_8), "=[C]");
    callMain(L, 0, 0, "sys autoload");
  }

  private Step startMain(Lua L) {
    byte[] source = null;
    String chunk = null;
    for (String path : List.of("/main.lua", "/luadb/main.lua")) {
      source = fs.read(path);
      if (source != null) {
        chunk = path.startsWith(FileSystem.LUADB) ? "@" + fs.project().entry() : "@" + path;
        break;
      }
    }
    if (source == null) return vmError("module 'main' not found");
    try {
      vm.load(L, source, chunk);
    } catch (LuaError e) {
      return vmError(e.getMessage());
    }
    host = L.newThread();
    hostPointer = host.getPointer();
    hostRef = L.ref(); // keeps the host coroutine alive
    L.refGet(prelude);
    L.getField(-1, "host");
    L.refGet(hostRef);
    callMain(L, 1, 0, "host setup");
    L.pop(1);
    L.xMove(host, 1); // main.lua's function becomes the host coroutine's body
    delivered = 0;
    device.watchdog().feed(); // the script starts: preparing the VM did not count
    return runHost(0);
  }

  /** Resumes the host coroutine and turns how it stopped into a step. */
  private Step runHost(int nargs) {
    try {
      boolean yielded = host.resume(nargs);
      if (abandoned) return Step.waitForMail(); // nobody is listening: the device went on without this VM
      host.setTop(0);
      if (!yielded) return vmExit(null);
    } catch (LuaException e) {
      if (abandoned) return Step.waitForMail();
      if (abortKind != null) return aborted();
      return vmError(errorText(host));
    }
    if (abortKind != null) return aborted();
    if (yieldTurn) {
      yieldTurn = false;
      return Step.yieldTurn();
    }
    return receiveDeadline == Long.MAX_VALUE ? Step.waitForMail() : Step.waitUntil(receiveDeadline);
  }

  // --- rtos.receive -------------------------------------------------------------------------------

  /**
   * take(timeout, first): the next message for rtos.receive. Returns 0 (none yet: yield), 3 (let
   * other devices run), 1 + values to return, 2 + a function and its arguments to call, or 4 + why
   * the VM must stop now.
   */
  private int take(Lua L) {
    boolean first = L.toBoolean(2);
    long now = device.clock().nanoTime();
    if (first) {
      // the script is back in the main loop: the watchdog is fed, unless its time already ran out
      String why = stopReason();
      if (why != null) {
        L.push(4);
        L.push(why);
        return 2;
      }
      device.watchdog().feed();
      long timeout = Args.checkInteger(L, 1);
      // the firmware holds the timeout unsigned: -1 (rtos.INF_TIMEOUT) and any negative wait forever
      receiveDeadline = timeout < 0 ? Long.MAX_VALUE : now + TimeUnit.MILLISECONDS.toNanos(timeout);
    }
    boolean inHost = L.getPointer() == hostPointer;
    if (inHost && delivered >= MESSAGES_PER_STEP) {
      yieldTurn = true;
      L.push(3);
      return 1;
    }
    Message m = device.poll();
    if (m == null) {
      if (receiveDeadline != Long.MAX_VALUE && now - receiveDeadline >= 0) return timedOut(L);
      if (inHost) {
        L.push(0);
        return 1;
      }
      m = device.awaitMail(receiveDeadline); // called outside the main loop: the VM blocks, as on the module
      if (m == null) return timedOut(L);
    }
    delivered++;
    return deliver(L, m);
  }

  private int timedOut(Lua L) {
    L.push(1);
    L.push(-1);
    return 2;
  }

  private int deliver(Lua L, Message m) {
    if (m instanceof DeviceTimers.Expired e) {
      long remaining = device.timers().claim(e);
      L.push(1);
      if (remaining == DeviceTimers.STALE) return 1; // stopped meanwhile: receive returns nothing
      L.push(MSG_TIMER);
      L.push(e.id());
      L.push(remaining);
      return 4;
    }
    if (m instanceof UartReceived r && uarts != null) return uarts.received(L, r);
    if (m instanceof ShellCommand c) {
      ShellAnswers.answer(this, c, c.kind() == ShellCommand.Kind.FREE ? heapUsed(L) : 0);
      L.push(1);
      return 1;
    }
    if (m instanceof LuaMessage lm) return lm.deliver(this, L);
    if (m instanceof NetMessage nm) return sockets.deliver(nm, L);
    L.push(1);
    return 1;
  }

  // --- ending the VM ------------------------------------------------------------------------------

  /** H.abort(kind, code): the VM must stop now; returns the error value that unwinds it. */
  private int abort(Lua L) {
    if (abortKind == null) {
      abortKind = L.toString(1);
      abortCode = L.isNumber(2) ? (int) L.toInteger(2) : 0;
    }
    L.push("airemu: VM stopped (" + abortKind + ")");
    return 1;
  }

  private Step aborted() {
    return switch (abortKind) {
      case "exit" -> Step.exit(abortCode);
      case "reboot" -> Step.reboot("rtos.reboot()", REBOOT_TIME_MILLIS);
      case "watchdog" -> watchdogReset(true);
      default -> Step.waitForMail(); // "host": the device stops or reboots as it was asked
    };
  }

  /**
   * Why the VM must stop now, or null: asked by the VM hook between instructions and by rtos.receive.
   * "watchdog" when this call bites the expired watchdog (and must say so), "abandoned" when the
   * watchdog thread bit first or gave this VM up, "host" when the device is to stop or reboot.
   */
  private String stopReason() {
    if (abandoned) return "abandoned";
    airemu.core.Watchdog wd = device.watchdog();
    if (wd.bite()) return "watchdog";
    if (wd.bitten()) return "abandoned";
    if (device.stopOrRebootPending()) return "host";
    return null;
  }

  /** The module's watchdog reset: its log line (when {@code report}), then the VM ends and a module reboots. */
  private Step watchdogReset(boolean report) {
    long ms = device.watchdog().timeoutMillis();
    if (report) clog('E', "wdt", "watchdog reset: the script ran " + ms + " ms without yielding");
    return Step.vmExit("watchdog: the script ran " + ms + " ms without yielding", REBOOT_TIME_MILLIS, 1);
  }

  /** A Lua error reached the top: the module's error lines, then the VM exits. */
  private Step vmError(String message) {
    clog('E', "main", "Luat: ");
    clog('E', "main", message);
    return vmExit(message);
  }

  private Step vmExit(String error) {
    long delay = board.rebootDelayMillis();
    clog('E', "main", "Lua VM exit!! reboot in " + delay + "ms");
    return Step.vmExit(error == null ? "main.lua returned" : error, delay, error == null ? 0 : 1);
  }

  private static String errorText(Lua co) {
    if (co.getTop() == 0) return "(null)";
    return switch (co.type(-1)) {
      case STRING -> co.toString(-1);
      case NUMBER -> Vm.numberToString(co, -1);
      default -> "(null)";
    };
  }

  // --- helpers ------------------------------------------------------------------------------------

  private long luaMemory() {
    Lua L = vm.main();
    vm.load(L, "return math.floor(collectgarbage('count') * 1024)".getBytes(StandardCharsets.UTF_8), "=[C]");
    callMain(L, 0, 1, "meminfo");
    long used = L.toInteger(-1);
    L.pop(1);
    return used;
  }

  /**
   * The bytes the VM's heap holds, measured on {@code L}, the thread now running, through the prelude:
   * the script may have replaced {@code math} or {@code collectgarbage} by then.
   */
  private long heapUsed(Lua L) {
    L.refGet(prelude);
    L.getField(-1, "heap_used");
    L.remove(-2);
    callMain(L, 0, 1, "heap_used");
    long used = L.toInteger(-1);
    L.pop(1);
    return used;
  }

  /** Calls a function in the main state during boot; a failure here is airemu's own bug. */
  private void callMain(Lua L, int nargs, int nresults, String what) {
    try {
      L.pCall(nargs, nresults);
    } catch (LuaException e) {
      throw new IllegalStateException("firmware " + what + " failed: " + e.getMessage(), e);
    }
  }

  private static byte[] builtinSource(String name) {
    return switch (name) {
      case "sys" -> resource("sys.lua");
      case "sysplus" -> "return require('sys')".getBytes(StandardCharsets.UTF_8);
      case "libnet" -> resource("libnet.lua");
      default -> null;
    };
  }

  static byte[] resource(String name) {
    try (InputStream in = LuaFirmware.class.getResourceAsStream("/airemu/lua/" + name)) {
      if (in == null) throw new IllegalStateException("missing firmware resource " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("unreadable firmware resource " + name, e);
    }
  }

  /** A module takes about this long from a reset to running the script again. */
  private static final long REBOOT_TIME_MILLIS = 500;

  /** The firmware whose VM {@link #warmUp} prepares, until the first {@link #forDevice} takes it. */
  private static final java.util.concurrent.atomic.AtomicReference<LuaFirmware> WARMING =
      new java.util.concurrent.atomic.AtomicReference<>();

  // set once when the firmware is attached to its device, before the boot step reads them
  private Device device;
  private DeviceSetup setup;
  private BoardProfile board;
  private FileSystem fs;

  private Vm vm;
  private java.util.concurrent.CompletableFuture<Boolean> vmReady; // a warm-up's prepareVm: done (false: it failed)
  private volatile SocketLib sockets; // read by network() from other threads
  private Lua host; // the coroutine running main.lua
  private long hostPointer;
  private int hostRef, hostTable, prelude;
  private long receiveDeadline = Long.MAX_VALUE; // of the rtos.receive in progress
  private int delivered; // messages handed over in this step
  private boolean yieldTurn;
  private int logLevel = 1; // shared with log.setLevel: C lines obey it too
  private volatile long wallOffsetMillis; // device wall clock minus host wall clock (moved by network time); TLS reads it on I/O threads
  private int timezoneQuarters = 32;
  private String abortKind; // why the VM is being stopped: watchdog, exit, reboot, host, abandoned
  private volatile boolean abandoned; // given up by the watchdog thread: the VM is inert (see abandon)
  private int abortCode;
  private long maxLuaUsed; // the highest Lua heap use rtos.meminfo or the shell's free has seen in this boot
  UartLib uarts; // the uart library of this boot, which handles UartReceived
}
