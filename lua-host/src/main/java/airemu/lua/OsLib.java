package airemu.lua;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import party.iroiro.luajava.Lua;

/**
 * {@code os} as the module has it: time from the device clock, {@code os.date} with the C89
 * conversions only and local time as UTC plus the module's timezone (whole hours, +8 unless the
 * network or {@code rtc.timezone} says otherwise), and file operations on the device's file system. {@code os.exit} is
 * wired by the prelude: it ends the run, as on the PC simulator.
 */
final class OsLib {
  private OsLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    vm.setFunction(L, -1, "time", l -> {
      if (Args.isNoneOrNil(l, 1)) {
        l.push(Math.floorDiv(fw.wallMillis(), 1000));
        return 1;
      }
      if (!l.isTable(1)) throw Args.typeError(l, 1, "table");
      l.push(timeOfTable(l));
      return 1;
    });
    vm.setFunction(L, -1, "date", l -> date(fw, vm, l));
    vm.setFunction(L, -1, "clock", l -> {
      l.push(fw.device().uptimeNanos() / 1e9);
      return 1;
    });
    vm.setFunction(L, -1, "difftime", l -> {
      long a = Args.checkInteger(l, 1);
      long b = Args.checkInteger(l, 2);
      l.push((double) (a - b));
      return 1;
    });
    vm.setFunction(L, -1, "remove", l -> {
      String path = Args.checkString(vm, l, 1);
      FileSystem.Resolved r = fw.fs().resolve(path, true);
      int errno = r.errno();
      if (r.ok()) {
        try {
          Files.delete(r.host());
          l.push(true);
          return 1;
        } catch (NoSuchFileException e) {
          errno = FileSystem.ENOENT;
        } catch (DirectoryNotEmptyException e) {
          errno = 39;
        } catch (IOException e) {
          errno = FileSystem.EACCES;
        }
      }
      return fileError(vm, l, path + ": " + errno, errno);
    });
    vm.setFunction(L, -1, "rename", l -> {
      String from = Args.checkString(vm, l, 1);
      String to = Args.checkString(vm, l, 2);
      FileSystem.Resolved a = fw.fs().resolve(from, true), b = fw.fs().resolve(to, true);
      int errno = !a.ok() ? a.errno() : b.errno();
      if (a.ok() && b.ok()) {
        try {
          Files.move(a.host(), b.host(), StandardCopyOption.REPLACE_EXISTING);
          l.push(true);
          return 1;
        } catch (NoSuchFileException e) {
          errno = FileSystem.ENOENT;
        } catch (IOException e) {
          errno = FileSystem.EACCES;
        }
      }
      return fileError(vm, l, Integer.toString(errno), errno);
    });
    L.setGlobal("os");
  }

  static int fileError(Vm vm, Lua l, String message, int errno) {
    l.pushNil();
    vm.pushString(l, message);
    l.push(errno);
    return 3;
  }

  /** os.time{...}: the fields read as UTC (the module has no TZ), normalised and written back. */
  private static long timeOfTable(Lua l) {
    long year = field(l, "year", -1), day = field(l, "day", -1);
    long month = l.getTop() >= 1 && hasField(l, "mon") ? field(l, "mon", -1) : field(l, "month", -1);
    long hour = field(l, "hour", 12), min = field(l, "min", 0), sec = field(l, "sec", 0);
    LocalDateTime t;
    try {
      t = LocalDateTime.of((int) year, 1, 1, 0, 0).plusMonths(month - 1).plusDays(day - 1).plusHours(hour)
          .plusMinutes(min).plusSeconds(sec);
    } catch (RuntimeException e) {
      throw LuaError.of("time result cannot be represented in this installation");
    }
    setDateFields(l, 1, t);
    return t.toEpochSecond(ZoneOffset.UTC);
  }

  private static boolean hasField(Lua l, String key) {
    l.push(key);
    l.rawGet(1);
    boolean has = !l.isNil(-1);
    l.pop(1);
    return has;
  }

  private static long field(Lua l, String key, long def) {
    l.push(key);
    l.rawGet(1);
    try {
      if (l.isNil(-1)) {
        if (def < 0) throw LuaError.of("field '" + key + "' missing in date table");
        return def;
      }
      if (l.isInteger(-1)) return l.toInteger(-1);
      if (l.isNumber(-1)) {
        double d = l.toNumber(-1);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return (long) d;
      }
      throw LuaError.of("field '" + key + "' is not an integer");
    } finally {
      l.pop(1);
    }
  }

  private static void setDateFields(Lua l, int table, LocalDateTime t) {
    setInt(l, table, "year", t.getYear());
    setInt(l, table, "month", t.getMonthValue());
    setInt(l, table, "day", t.getDayOfMonth());
    setInt(l, table, "hour", t.getHour());
    setInt(l, table, "min", t.getMinute());
    setInt(l, table, "sec", t.getSecond());
    setInt(l, table, "wday", t.getDayOfWeek().getValue() % 7 + 1);
    setInt(l, table, "yday", t.getDayOfYear());
    l.push("isdst");
    l.push(false);
    l.rawSet(table < 0 ? table - 2 : table);
  }

  private static void setInt(Lua l, int table, String key, long v) {
    l.push(key);
    l.push(v);
    l.rawSet(table < 0 ? table - 2 : table);
  }

  private static int date(LuaFirmware fw, Vm vm, Lua l) {
    String fmt = Args.optString(vm, l, 1, "%c");
    long seconds = Args.isNoneOrNil(l, 2) ? Math.floorDiv(fw.wallMillis(), 1000) : Args.checkInteger(l, 2);
    boolean utc = fmt.startsWith("!");
    if (utc) fmt = fmt.substring(1);
    long offset = utc ? 0 : fw.timezoneQuarters() / 4 * 3600L;
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds + offset, 0, ZoneOffset.UTC);
    if (fmt.startsWith("*t")) {
      l.createTable(0, 9);
      setDateFields(l, -1, t);
      return 1;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (++i >= fmt.length()) throw Args.argError(1, "invalid conversion specifier '%'");
      char k = fmt.charAt(i);
      String v = conversion(k, t);
      if (v == null) throw Args.argError(1, "invalid conversion specifier '%" + k + "'");
      out.append(v);
    }
    vm.pushString(l, out.toString());
    return 1;
  }

  /** The C89 strftime conversions, in the C locale; null for any other specifier. */
  private static String conversion(char k, LocalDateTime t) {
    return switch (k) {
      case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
      case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
      case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
      case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
      case 'c' -> conversion('a', t) + " " + conversion('b', t) + " " + String.format("%2d", t.getDayOfMonth()) + " "
          + conversion('X', t) + " " + t.getYear();
      case 'd' -> two(t.getDayOfMonth());
      case 'H' -> two(t.getHour());
      case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
      case 'j' -> String.format("%03d", t.getDayOfYear());
      case 'm' -> two(t.getMonthValue());
      case 'M' -> two(t.getMinute());
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      case 'S' -> two(t.getSecond());
      case 'U' -> two(weekOfYear(t, DayOfWeek.SUNDAY));
      case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
      case 'W' -> two(weekOfYear(t, DayOfWeek.MONDAY));
      case 'x' -> two(t.getMonthValue()) + "/" + two(t.getDayOfMonth()) + "/" + two(t.getYear() % 100);
      case 'X' -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
      case 'y' -> two(Math.floorMod(t.getYear(), 100));
      case 'Y' -> Integer.toString(t.getYear());
      case 'Z' -> "GMT";
      case '%' -> "%";
      default -> null;
    };
  }

  /** Week number where weeks start on {@code first}; days before the first such day are week 0. */
  private static int weekOfYear(LocalDateTime t, DayOfWeek first) {
    LocalDateTime jan1 = t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
    int offset = (first.getValue() - jan1.getDayOfWeek().getValue() + 7) % 7; // days until the first 'first'
    int day = t.getDayOfYear() - 1;
    return day < offset ? 0 : (day - offset) / 7 + 1;
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
