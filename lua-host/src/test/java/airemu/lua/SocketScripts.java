package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.config.ConfigException;
import airemu.core.Device;
import airemu.netif.Environment;
import airemu.netif.NetOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Socket scripts that run unchanged on every board and in both styles a script gets its events in:
 * a callback, or a task name whose messages {@code sys.waitMsg} reads. The {@link #PRELUDE} gives the
 * script a few words for this, so one script pins a behaviour for the whole matrix:
 *
 * <ul>
 * <li>{@code networkUp()} waits until the default adapter has an IP, as the demos do; on a board
 *     whose default is the Wi-Fi station (Air8101) it joins the board's access point first.
 * <li>{@code open(name, adapter)} creates a ctrl named {@code name} with a callback (style
 *     {@code callback}) or the task name {@code name} (style {@code task}); {@code accept(s, name)}
 *     accepts a client into a new ctrl the same way and returns accept's tuple.
 * <li>{@code nextEvent(name)} waits for the next event of that ctrl and logs it as
 *     {@code <name> <EVENT> <param>}, the same line in both styles (unless {@code QUIET} is set), and
 *     returns event and param; {@code noMoreEvents(name)} logs any event it received and nobody read
 *     (a line no test expects).
 * </ul>
 *
 * The style is read at each {@code open} (and {@code accept}), so a script may change {@code STYLE}
 * between ctrls. What the firmware promises about delivery is checked on every event and logged as
 * an error line when broken: a callback gets exactly (light userdata, event, param), the light
 * userdata has the ctrl's address but is not {@code ==} to it, and works as the ctrl
 * ({@code socket.state} through either is the same); a task message is the 2-slot table
 * {@code {event, param}}; the param is an integer.
 */
final class SocketScripts {
  private SocketScripts() {}

  /** How the script receives a ctrl's events. */
  enum Style { CALLBACK, TASK }

  /** The boards of the matrix: cellular only, cellular with Wi-Fi, Wi-Fi only. */
  static final List<String> BOARDS = List.of("air780epm", "air8000", "air8101");

  /** Every board in both styles; for {@code @MethodSource}. */
  static Stream<Arguments> boardsAndStyles() {
    return BOARDS.stream().flatMap(b -> Stream.of(Style.values()).map(s -> Arguments.of(b, s)));
  }

  /** Every board; for {@code @MethodSource}. */
  static Stream<String> boards() {
    return BOARDS.stream();
  }

  static final String PRELUDE = """
      local EV = {[socket.LINK] = "LINK", [socket.ON_LINE] = "ON_LINE", [socket.TX_OK] = "TX_OK",
        [socket.CLOSED] = "CLOSED", [socket.EVENT] = "EVENT"}

      function networkUp()
        if socket.dft() == socket.LWIP_STA then -- a Wi-Fi module: the station must join first
          wlan.init()
          wlan.connect("luatos1234", "12341234")
        end
        while not socket.adapter(socket.dft()) do sys.waitUntil("IP_READY", 1000) end
      end

      -- by name: the ctrl (weakly: the script decides when a ctrl goes); the events its callback received
      local ctrls, inbox, styles = setmetatable({}, {__mode = "v"}), {}, {}
      local function address(u) return (tostring(u):match("0x%x+")) end

      -- what the ctrl called name gets its events through, in the test's style
      local function receiver(name)
        styles[name] = STYLE
        if STYLE == "task" then
          sys.taskInitEx(function() end, name) -- registers the message queue sys.waitMsg reads
          return name
        end
        inbox[name] = {}
        return function(...)
          local sc, event, param = ...
          local c = ctrls[name]
          if select("#", ...) ~= 3 or type(sc) ~= "userdata" or sc == c or address(sc) ~= address(c)
              or tostring(sc):sub(1, 10) ~= "userdata: " then
            log.error(name, "callback got", select("#", ...), tostring(sc), "for", tostring(c))
          end
          local state, text = socket.state(sc)
          local state2, text2 = socket.state(c)
          if state == nil or state ~= state2 or text ~= text2 then log.error(name, "handle state", state, state2) end
          table.insert(inbox[name], {event, param})
          sys.publish("EV_" .. name)
        end
      end

      function open(name, adapter)
        local c = socket.create(adapter, receiver(name))
        ctrls[name] = c
        return c
      end

      function accept(s, name)
        local r = table.pack(socket.accept(s, receiver(name)))
        if r[2] then ctrls[name] = r[2] end
        return table.unpack(r, 1, r.n)
      end

      local function take(name)
        if styles[name] == "task" then return sys.waitMsg(name) end
        while #inbox[name] == 0 do sys.waitUntil("EV_" .. name) end
        return table.remove(inbox[name], 1)
      end

      function nextEvent(name)
        local m = take(name)
        if #m ~= 2 then log.error(name, "a message of", #m, "values") end
        if math.type(m[2]) ~= "integer" then log.error(name, "param", m[2], math.type(m[2])) end
        if m[1] ~= "END" and not QUIET then log.info(name, EV[m[1]] or m[1], m[2]) end
        return m[1], m[2]
      end

      function noMoreEvents(name)
        if styles[name] == "task" then sys.sendMsg(name, "END", 0) else table.insert(inbox[name], {"END", 0}) end
        while nextEvent(name) ~= "END" do end
      end
      """;

  /**
   * Boots {@code board} with {@code script} after the prelude, in {@code style}, with {@code globals}
   * (peer ports and the like) set first.
   */
  static Emulation start(String board, Style style, NetOptions network, Map<String, ?> globals, String script) {
    return start(board, style, network, null, globals, script);
  }

  /** The same in {@code environment}, the network outside the device, which the test changes (null: calm). */
  static Emulation start(String board, Style style, NetOptions network, Environment environment, Map<String, ?> globals,
      String script) {
    String values = globals.entrySet().stream().map(e -> e.getKey() + " = " + lua(e.getValue()))
        .collect(Collectors.joining("\n"));
    String main = "BOARD = \"" + board + "\"\nSTYLE = \"" + style.name().toLowerCase(java.util.Locale.ROOT) + "\"\n"
        + values + "\n" + PRELUDE + script;
    try {
      BoardProfile profile = BoardProfiles.find(board);
      return Emulation.run(profile, Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000, network,
          environment != null ? environment : DeviceSetup.calm(profile, 0));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Runs the script to its {@code os.exit(0)}; returns the script's own log lines. */
  static List<String> run(String board, Style style, NetOptions network, Map<String, ?> globals, String script) {
    try (Emulation emu = start(board, style, network, globals, script)) {
      return exited(emu);
    }
  }

  /** Waits for the script's {@code os.exit(0)} (anything else fails with the whole log); returns its own lines. */
  static List<String> exited(Emulation emu) {
    int code = emu.awaitExit();
    if (code != 0) throw new AssertionError("exit code " + code + "; the device logged:\n" + String.join("\n", emu.lines()));
    return userLines(emu);
  }

  /** What the script logged itself ({@code log.*} with its tags). */
  static List<String> userLines(Emulation emu) {
    return emu.lines().stream().filter(l -> l.matches("[DIWE]/user\\..*")).toList();
  }

  private static String lua(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
