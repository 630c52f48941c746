package airemu.lua;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import party.iroiro.luajava.Lua;

/**
 * {@code rtc}: the module's real-time clock, which is the clock {@code os.time} and TLS read.
 * {@code rtc.get}/{@code rtc.set} speak UTC; {@code rtc.timezone} (quarter hours, +32 by default)
 * only moves what {@code os.date} shows. As {@code luat_lib_rtc.c} of current firmware: a table
 * with a field missing logs a warning and returns nothing, an out-of-range field or timestamp
 * logs one and returns false. Wake-up alarms ({@code timerStart}) are refused as on the EC7xx
 * ("rtc timer isn't support"; the Air780 family wakes with {@code pm.dtimerStart}).
 */
final class RtcLib {
  private static final String[] FIELDS = {"year", "mon", "day", "hour", "min", "sec"};

  private RtcLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    vm.setFunction(L, -1, "set", l -> set(fw, l));
    vm.setFunction(L, -1, "get", l -> {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(fw.wallMillis(), 1000), 0, ZoneOffset.UTC);
      l.createTable(0, FIELDS.length);
      long[] values = {t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()};
      for (int i = 0; i < FIELDS.length; i++) {
        l.push(values[i]);
        l.setField(-2, FIELDS[i]);
      }
      return 1;
    });
    vm.setFunction(L, -1, "timerStart", l -> {
      Args.checkInteger(l, 1);
      if (!l.isTable(2)) {
        fw.clog('W', "rtc", "rtc time need table");
        return 0;
      }
      if (fields(fw, l, 2) == null) return 0;
      l.push(false);
      return 1;
    });
    vm.setFunction(L, -1, "timerStop", l -> {
      Args.checkInteger(l, 1);
      l.push(false);
      return 1;
    });
    vm.setFunction(L, -1, "setBaseYear", l -> {
      long year = Args.checkInteger(l, 1);
      if (year < 1900 || year > 2050) {
        fw.clog('W', "rtc", "rtc invalid base year: " + year);
        throw LuaError.of("invalid base year");
      }
      return 0;
    });
    vm.setFunction(L, -1, "timezone", l -> {
      if (l.getTop() > 0) {
        if (!l.isInteger(1)) {
          fw.clog('W', "rtc", "rtc timezone invalid parameter type");
          l.push(false);
          return 1;
        }
        fw.setTimezoneQuarters((int) l.toInteger(1));
      }
      l.push((long) fw.timezoneQuarters());
      return 1;
    });
    L.setGlobal("rtc");
  }

  private static int set(LuaFirmware fw, Lua l) {
    if (!l.isTable(1)) {
      if (Args.isInteger(l, 1)) {
        long stamp = l.toInteger(1);
        if (stamp <= 0 || stamp > 0xFFFFFFFFL) {
          fw.clog('W', "rtc", "rtc time invalid timestamp: " + stamp);
          l.push(false);
          return 1;
        }
        fw.setWallMillis(stamp * 1000);
        l.push(true);
        return 1;
      }
      fw.clog('W', "rtc", "rtc time need table or integer");
      l.push(false);
      return 1;
    }
    long[] v = fields(fw, l, 1);
    if (v == null) return 0;
    String invalid = invalid(v);
    if (invalid != null) {
      fw.clog('W', "rtc", "rtc time invalid " + invalid);
      l.push(false);
      return 1;
    }
    long seconds = LocalDateTime.of((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5])
        .toEpochSecond(ZoneOffset.UTC);
    fw.setWallMillis(seconds * 1000);
    l.push(true);
    return 1;
  }

  /** The six fields of the table at {@code index}, or null after the firmware's "miss" warning. */
  private static long[] fields(LuaFirmware fw, Lua l, int index) {
    long[] v = new long[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      l.getField(index, FIELDS[i]);
      if (!l.isNumber(-1)) {
        l.pop(1);
        fw.clog('W', "rtc", "rtc time miss " + FIELDS[i]);
        return null;
      }
      v[i] = Args.checkInteger(l, -1);
      l.pop(1);
    }
    return v;
  }

  /** What the firmware's range checks say of a date, in its words, or null when it is valid. */
  private static String invalid(long[] v) {
    long year = v[0], mon = v[1], day = v[2];
    if (year < 1900 || year > 2200) return "year: " + year;
    if (mon < 1 || mon > 12) return "month: " + mon;
    try {
      if (day < 1 || day > 31) throw new DateTimeException("day");
      LocalDate.of((int) year, (int) mon, (int) day);
    } catch (DateTimeException e) {
      return "day: " + year + "-" + mon + "-" + day;
    }
    if (v[3] < 0 || v[3] > 23) return "hour: " + v[3];
    if (v[4] < 0 || v[4] > 59) return "minute: " + v[4];
    if (v[5] < 0 || v[5] > 59) return "second: " + v[5];
    return null;
  }
}
