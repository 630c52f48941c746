package airemu.lua;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import party.iroiro.luajava.Lua;

/**
 * The zbuff library against luat_lib_zbuff.c: every expected value below is derived by hand from the
 * C code (its int, size_t and uint32_t conversions included) and the byte layouts of a little-endian
 * module. Floats are printed by the firmware's own printf, hence {@link Printf#luaNumber} in the
 * expectations.
 */
class ZbuffTest {
  /** The air780epm's zbuff heap: its PSRAM (2371416) minus what the system holds at boot (107952). */
  private static final long AIR780EPM_HEAP = 2371416 - 107952;

  @Test
  void createFillsFromANumberAStringOrNothing() {
    assertEquals(List.of(
        "I/user.a 4 4 0 00000000",
        "I/user.b 0 A5A5A5A5 FFFF",
        "I/user.d 4 hell",
        "I/user.e 2 686900000000",
        "I/user.f 4 " + Printf.luaNumber(1.5).substring(0, 4),
        "I/user.g 0 00",
        "I/user.z",
        "I/user.n 3 2 10",
        "I/user.c 0 1 2 0 1 2",
        "I/user.t true userdata nil true true"),
        run("""
            local a = zbuff.create(4)
            log.info("a", a:len(), #a, a:used(), (a:toStr():toHex()))
            local b = zbuff.create(4, 0x1A5)
            log.info("b", b:used(), (b:toStr():toHex()), (zbuff.create(2, -1):toStr():toHex()))
            log.info("d", zbuff.create(4, "hello"):used(), zbuff.create(4, "hello"):toStr())
            local e = zbuff.create(6, "hi")
            log.info("e", e:used(), (e:toStr():toHex()))
            local f = zbuff.create(4, 1.5) -- a float is a string to lua_isstring: its tostring form is copied
            log.info("f", f:used(), f:toStr())
            log.info("g", zbuff.create(1, true):used(), (zbuff.create(1, {}):toStr():toHex()))
            log.info("z", zbuff.create(0))
            log.info("n", zbuff.create("3"):len(), zbuff.create(0x100000002):len(), zbuff.create(10, 1, zbuff.HEAP_PSRAM):len())
            log.info("c", zbuff.SEEK_SET, zbuff.SEEK_CUR, zbuff.SEEK_END, zbuff.HEAP_AUTO, zbuff.HEAP_SRAM, zbuff.HEAP_PSRAM)
            log.info("t", tostring(a):match("^ZBUFF%*: 0x%x+$") ~= nil, type(a), zbuff.write,
              require("zbuff") == zbuff, a.write == a.write)
            """));
  }

  @Test
  void writeTruncatesAtTheEndAndReadMovesTheSharedCursor() {
    assertEquals(List.of(
        "I/user.w1 3 3",
        "I/user.w2 3 6",
        "I/user.w3 2 8",
        "I/user.w4 0 0",
        "I/user.all 6162633132FF7879",
        "I/user.r1 0 ab 2",
        "I/user.r2 c 3132FF7879 8",
        "I/user.r3 true 5 FF7879 8",
        "I/user.s4 8 0 8",
        "I/user.s5 4 true 32FF 6",
        "I/user.f " + (Printf.luaNumber(2.0).length() + 1) + " 1 2",
        "I/user.m 3 abc"),
        run("""
            local b = zbuff.create(8)
            log.info("w1", b:write("abc"), b:used())
            log.info("w2", b:write(0x31, 0x132, -1), b:used())
            log.info("w3", b:write("xyz"), b:used())
            log.info("w4", b:write("q"), b:write(1, 2))
            log.info("all", (b:toStr():toHex()))
            log.info("r1", b:seek(0), b:read(2), b:used())
            log.info("r2", b:read(), (b:read(100):toHex()), b:used())
            log.info("r3", b:read(1) == "", b:seek(-3, zbuff.SEEK_END), (b:read(-1):toHex()), b:used())
            log.info("s4", b:seek(2, zbuff.SEEK_CUR), b:seek(-100, zbuff.SEEK_CUR), b:seek(100), b:seek(3, 7))
            log.info("s5", b:seek(4), b:read(0) == "", (b:read(0x100000002):toHex()), b:used())
            local c = zbuff.create(32)
            c:write(2.0) -- not an integer: written as its string
            log.info("f", c:used() + c:write(1, 2.5, 3), c:write(1), c:used() - #tostring(2.0))
            local m = zbuff.create(3)
            m.write(m, "abc") -- a method called as a field
            log.info("m", m:used(), m:toStr())
            """));
  }

  @Test
  void fixedSizeNumbersAreLittleEndianAndReadBackExactly() {
    assertEquals(List.of(
        "I/user.w 1 1 2 2 4 4 8 8 4 8 42",
        "I/user.hex FEFFFEFF3412FEFFFFFFEFBEADDEFEFFFFFFFFFFFFFF08070605040302010000C03F9A9999999999B9BF",
        "I/user.r -2 255 -2 4660 -2 3735928559 -2 72623859790382856 " + Printf.luaNumber(1.5) + " "
            + Printf.luaNumber(-0.1) + " 42",
        "I/user.f32 " + Printf.luaNumber((double) 0.1f) + " float 1036831949 integer",
        "I/user.u64 -1 integer",
        "I/user.edge 0 2 0 2 1",
        "I/user.none 0 0"),
        run("""
            local b = zbuff.create(64)
            log.info("w", b:writeI8(-2), b:writeU8(0x1FF), b:writeI16(-2), b:writeU16(0x1234), b:writeI32(-2),
              b:writeU32(0xDEADBEEF), b:writeI64(-2), b:writeU64(0x0102030405060708), b:writeF32(1.5), b:writeF64(-0.1),
              b:used())
            log.info("hex", (b:toStr(0, 42):toHex()))
            b:seek(0)
            log.info("r", b:readI8(), b:readU8(), b:readI16(), b:readU16(), b:readI32(), b:readU32(), b:readI64(),
              b:readU64(), b:readF32(), b:readF64(), b:used())
            local f = zbuff.create(8)
            f:writeF32(0.1)
            f:seek(0)
            local v = f:readF32()
            f:seek(0)
            local i = f:readI32()
            log.info("f32", v, math.type(v), i, math.type(i))
            local u = zbuff.create(8, 0xFF)
            local big = u:readU64()
            log.info("u64", big, math.type(big))
            local s = zbuff.create(3)
            log.info("edge", s:writeU32(1), s:writeU16(0xABCD), s:writeI16(1), s:used(), s:writeU8(7), s:readU8())
            log.info("none", select("#", s:readU8()), s:writeU32("not checked when full"))
            """));
  }

  @Test
  void packAndUnpackFollowTheLpackLetters() {
    assertEquals(List.of(
        "I/user.p1 17 17 0000123400004567001261626364656667",
        "I/user.u1 17 4660 17767 18 abcdefg",
        "I/user.p2 30 FFFFFFFFFEFFFDFFFFFFFFFFFFFFFCFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "I/user.u2 30 255 -1 65535 -2 -3 4294967295 -4 -1",
        "I/user.p3 20 0000C03F00000000000002C00000000000000840 3FC00000",
        "I/user.u3 20 " + Printf.luaNumber(1.5) + " " + Printf.luaNumber(-2.25) + " " + Printf.luaNumber(3.0),
        "I/user.p4 5 5 0001000200",
        "I/user.p5 0 0",
        "I/user.p6 3 010203 3 78797A00",
        "I/user.u4 3 ab  99",
        "I/user.u5 3 2 25701",
        "I/user.u6 4 0 4"),
        run("""
            local b = zbuff.create(32)
            log.info("p1", b:pack(">IIHA", 0x1234, 0x4567, 0x12, "abcdefg"), b:used(), (b:toStr(0, b:used()):toHex()))
            b:seek(0)
            log.info("u1", b:unpack(">IIHA7"))
            local c = zbuff.create(40)
            log.info("p2", c:pack("bcHhiIlL", 255, -1, 0xFFFF, -2, -3, 0xFFFFFFFF, -4, -1), (c:toStr(0, 30):toHex()))
            c:seek(0)
            log.info("u2", c:unpack("bcHhiIlL"))
            local d = zbuff.create(24)
            local e = zbuff.create(4)
            e:pack(">f", 1.5)
            log.info("p3", d:pack("<fdn", 1.5, -2.25, 3), (d:toStr(0, 20):toHex()), (e:toStr():toHex()))
            d:seek(0)
            log.info("u3", d:unpack("fdn"))
            local p = zbuff.create(5)
            log.info("p4", p:pack(">H3", 1, 2, 3), p:used(), (p:toStr():toHex())) -- the third short only half fits
            log.info("p5", p:pack("A", "x"), p:pack("no such letters: the buffer is full"))
            local q = zbuff.create(8)
            log.info("p6", q:pack("< b, b b", 1, 2, 3), (q:toStr(0, 3):toHex()), q:pack("A2", "x", "yz"), (q:toStr(3, 4):toHex()))
            local g = zbuff.create(6, "abcdef")
            g:seek(0)
            log.info("u4", g:unpack("A2A0bI")) -- the I does not fit: stop, consumed 3
            log.info("u5", g:used(), g:unpack(">h"))
            local z = zbuff.create(8)
            local n, v = z:unpack("I") -- unpack reads up to len, not used
            log.info("u6", n, v, z:used())
            """));
  }

  @Test
  void absoluteAccessIgnoresTheCursor() {
    assertEquals(List.of(
        "W/zbuff zbuff:toStr length cannot be negative",
        "I/user.t abcdef cdef cd ef true true true",
        "I/user.q1 4 0102FFFE 02FF FFFE nil nil nil",
        "I/user.q2 1 -2 513 258 -257",
        "I/user.q3 -16842239 16973822 -16842239 true",
        "I/user.q4 " + Printf.luaNumber(1.5) + " " + Printf.luaNumber(1.5),
        "I/user.q5 " + Printf.luaNumber(-0.1) + " -7306640035445884481 -4631501856787818086",
        "I/user.i1 65 66 255 nil nil nil 65 66 nil 66 4142FF",
        "I/user.i2 function function"),
        run("""
            local b = zbuff.create(6, "abcdef")
            log.info("t", b:toStr(), b:toStr(2), b:toStr(2, 2), b:toStr(4, 10), b:toStr(-1) == "", b:toStr(10) == "",
              b:toStr(0, -1) == "")
            local q = zbuff.create(8)
            q:copy(0, 0x01, 0x02, 0xFF, 0xFE)
            log.info("q1", q:used(), (q:query():toHex()), (q:query(1, 2):toHex()), (q:query(-2):toHex()), q:query(-5),
              q:query(4), q:query(0, 0))
            log.info("q2", q:query(0, 1, false), q:query(3, 1, true, true), q:query(0, 2, false), q:query(0, 2, true),
              q:query(2, 2, false, true))
            log.info("q3", q:query(0, 4, false), q:query(0, 4, true), q:query(0, 4, false, false),
              q:query(0, 3, true) == "\\1\\2\\255")
            local r = zbuff.create(16)
            r:copy(0, string.fromHex("0000C03F"))
            log.info("q4", r:query(0, 4, true, false, true), r:query(0, 4, false, false, true))
            r:copy(4, string.fromHex("9A9999999999B9BF"))
            log.info("q5", r:query(4, 8, true, false, true), r:query(4, 8, true), r:query(4, 8, false))
            local x = zbuff.create(3, "abc")
            x[0] = 0x41; x[1] = 0x142; x[2] = -1; x[3] = 1; x[-1] = 1; x[1.0] = 5; x.foo = 1
            log.info("i1", x[0], x[1], x[2], x[3], x[-1], x[1.0], x[0x100000000], x[0x100000001], x.foo, x:get(1),
              (x:toStr():toHex()))
            log.info("i2", type(x:get("__index")), type(x.toStr))
            """));
  }

  @Test
  void delUsedSetClearResizeAndFreeEditTheBlock() {
    assertEquals(List.of(
        "I/user.d1 7 0156789 303135363738390000390000",
        "I/user.d2 5 01567",
        "I/user.d3 5 5 5 0",
        "I/user.u 0 3 4 4 4 2",
        "I/user.s1 111111110000",
        "I/user.s2 11ABAB110000",
        "I/user.s3 555555555555",
        "I/user.cl FEFEFEFEFEFE 0 000000000000",
        "I/user.r1 2 2 ab",
        "I/user.r2 6 2 ab",
        "I/user.r3 3 3",
        "I/user.r4 0 0 true",
        "I/user.f1 0 0 0 true true nil nil",
        "I/user.f2 2 2 hi"),
        run("""
            local d = zbuff.create(12, "0123456789")
            d:del(2, 3) -- moves used - 3 bytes from 5: the two zero bytes after the data come along
            log.info("d1", d:used(), d:query(), (d:toStr():toHex()))
            d:del(-2)
            log.info("d2", d:used(), d:query())
            d:del(-9)
            local a = d:used()
            d:del(5)
            local b = d:used()
            d:del(1, 0)
            log.info("d3", a, b, d:used(), (function() d:del(0, -1) return d:used() end)())
            local u = zbuff.create(4)
            log.info("u", u:used(), u:used(3), u:used(10), u:used(-1), u:used(1.5), u:used(2))
            local s = zbuff.create(6, 0x11)
            s:set(4)
            log.info("s1", (s:toStr():toHex()))
            s:set(1, 0x1AB, 2)
            log.info("s2", (s:toStr():toHex()))
            s:set()
            s:set(0, 0x55, 100)
            s:set(6, 1)
            log.info("s3", (s:toStr():toHex()))
            s:clear(0x1FE)
            local before = s:toStr():toHex()
            s:clear()
            log.info("cl", before, s:used(), (s:toStr():toHex()))
            local r = zbuff.create(4, "abcd")
            r:resize(2)
            log.info("r1", r:len(), r:used(), r:toStr())
            r:resize(6)
            log.info("r2", r:len(), r:used(), r:toStr(0, 2))
            r:reSize(3)
            r:resize("8")
            r:resize(8.0)
            log.info("r3", r:len(), #r)
            r:resize(0)
            log.info("r4", r:len(), r:used(), r:toStr() == "")
            local f = zbuff.create(4, "abcd")
            f:free()
            log.info("f1", f:len(), f:used(), f:write("x"), f:read(1) == "", f:toStr() == "", f:query(), f[0])
            log.info("f2", f:copy(nil, "hi"), f:len(), f:query())
            """));
  }

  @Test
  void copyGrowsTheBufferAndRaisesUsed() {
    assertEquals(List.of(
        "I/user.c1 2 2 4",
        "I/user.c2 4 6 10",
        "I/user.c3 1 6 Xbcdef",
        "I/user.c4 2 7 10 XbcdeAB",
        "I/user.c5 0 0 0 7",
        "I/user.g1 4 4 6 01020304",
        "I/user.g2 1 6 10 09",
        "I/user.g3 3 3 1 abX",
        "I/user.z1 5 5 9 ABCDE",
        "I/user.z2 2 5 AGHDE",
        "I/user.z3 5 10 19 AGHDEAGHDE"),
        run("""
            local c = zbuff.create(4)
            log.info("c1", c:copy(nil, "ab"), c:used(), c:len())
            log.info("c2", c:copy(nil, "cdef"), c:used(), c:len()) -- grows to len + 4 + start
            log.info("c3", c:copy(0, "X"), c:used(), c:query())
            log.info("c4", c:copy(-1, 0x41, 0x42), c:used(), c:len(), c:query())
            log.info("c5", c:copy(-8, "z"), c:copy(nil, true), c:copy(nil), c:used())
            local g = zbuff.create(2)
            log.info("g1", g:copy(nil, 1, 2, 3, 4), g:used(), g:len(), (g:query():toHex()))
            local h = zbuff.create(2)
            log.info("g2", h:copy(5, 9), h:used(), h:len(), (h:query(5, 1):toHex()))
            local k = zbuff.create(8, "abc") -- used 3: copy(nil) appends
            k:seek(0)
            log.info("g3", k:copy(nil, 0x61, 0x62, 0x63), k:used(), k:copy(-1, "X"), k:query())
            local src = zbuff.create(8, "ABCDEFGH")
            src:used(5)
            local dst = zbuff.create(4)
            log.info("z1", dst:copy(nil, src), dst:used(), dst:len(), dst:query())
            log.info("z2", dst:copy(1, src, 6, 2), dst:used(), dst:query())
            log.info("z3", dst:copy(nil, dst), dst:used(), dst:len(), dst:query())
            """));
  }

  @Test
  void isEqualAndToBase64() {
    assertEquals(List.of(
        "I/user.e1 true 0",
        "I/user.e2 false 2",
        "I/user.e3 true 0",
        "I/user.e4 true 0",
        "I/user.b1 8 8 aGVsbG8= 614756736247383D00",
        "E/zbuff zbuff toBase64 failed -1",
        "I/user.b2 0 0",
        "I/user.b3 0 0"),
        run("""
            local a = zbuff.create(4, "abcd")
            local b = zbuff.create(4, "abXd")
            log.info("e1", a:isEqual(0, b, 0, 2))
            log.info("e2", a:isEqual(0, b, 0, 4))
            log.info("e3", a:isEqual(3, b, 3))
            log.info("e4", a:isEqual(nil, b))
            local s = zbuff.create(8, "hello")
            local d = zbuff.create(9, 0x2E)
            log.info("b1", s:toBase64(d), d:used(), d:query(), (d:toStr():toHex()))
            local small = zbuff.create(8) -- needs 8 characters and the NUL
            log.info("b2", s:toBase64(small), small:used())
            log.info("b3", zbuff.create(4):toBase64(d), d:used())
            """));
  }

  @Test
  void framebuffersDrawPixelsLinesRectanglesAndCircles() {
    assertEquals(List.of(
        "I/user.fb1 16 0 F800F800F800F800F800F800F800F800",
        "I/user.fb2 63488 true 4660 nil",
        "I/user.bits FFC0 AA 123456123456 1111223344 FFFFFF 0707",
        "I/user.bad",
        "I/user.sf nil true 7F7F7F7F00000000",
        "I/user.line true 01000000000001000000000001000000000001000202020200",
        "I/user.rect true true 050505050909090905050505",
        "I/user.circle true 00000000000000000001010100000001000000010000010000000100000100000001000000010101000000000000000000",
        "I/user.off 00",
        "I/user.fill 000700070707000700",
        "I/user.plain nil"),
        run("""
            local fb = zbuff.create({4, 2, 16}, 0xF800)
            log.info("fb1", fb:len(), fb:used(), (fb:toStr():toHex()))
            log.info("fb2", fb:pixel(1, 1), fb:pixel(1, 1, 0x1234), fb:pixel(1, 1), fb:pixel(4, 0), fb:pixel(0, 2, 1))
            log.info("bits", (zbuff.create({10, 1, 1}, 1):toStr():toHex()),
              (zbuff.create({3, 1, 4}, 0xA):toStr(0, 1):toHex()),
              (zbuff.create({2, 1, 24}, 0x123456):toStr():toHex()),
              (zbuff.create({2, 1, 32}, 0x11223344):toStr(0, 5):toHex()), -- pixel n is at byte n
              (zbuff.create({3, 1, 8}, 0x1FF):toStr():toHex()),
              (zbuff.create({2, 1, 264}, 7):toStr():toHex())) -- the depth is a uint8_t: 264 is 8
            log.info("bad", zbuff.create({2, 2, 3}))
            local s = zbuff.create(8)
            log.info("sf", s:setFrameBuffer(4, 4, 8), s:setFrameBuffer(2, 2, 8, 0x7F), (s:toStr():toHex()))
            local d = zbuff.create({5, 5, 8}, 0)
            log.info("line", d:drawLine(0, 0, 4, 4, 1) and d:drawLine(0, 4, 4, 4, 2), (d:toStr():toHex()))
            local e = zbuff.create({4, 3, 8}, 0)
            log.info("rect", e:drawRect(0, 0, 3, 2, 5), e:drawRect(-5, 1, 10, 1, 9, true), (e:toStr():toHex()))
            local c = zbuff.create({7, 7, 8}, 0)
            log.info("circle", c:drawCircle(3, 3, 2, 1), (c:toStr():toHex()))
            local o = zbuff.create({3, 3, 8}, 0)
            o:drawCircle(0, 1, 1, 9) -- crosses the left edge: the module draws nothing
            log.info("off", (o:toStr(0, 1):toHex()), o:drawCircle(0, 1, 1, 9))
            local f = zbuff.create({3, 3, 8}, 0)
            f:drawCircle(1, 1, 1, 7, true)
            log.info("fill", (f:toStr():toHex()))
            log.info("plain", zbuff.create(4):drawLine(0, 0, 1, 1), zbuff.create(4):pixel(0, 0))
            """));
  }

  @Test
  void badArgumentsRaiseTheFirmwaresErrorsNamedFromTheCallSite() {
    List<String> lines = run("""
        local b = zbuff.create(4)
        local function e(f) local ok, m = pcall(f) log.info("err", ok, m) end
        e(function() b:seek("x") end)
        e(function() b:seek(1.5) end)
        e(function() b.seek({}, 1) end)
        e(function() b.seek() end)
        e(function() b:write() end)
        e(function() b.write(nil, "x") end)
        e(function() b:writeU8("x") end)
        e(function() b:writeI8(1.5) end)
        e(function() b:pack("z") end)
        e(function() b:pack("i") end)
        e(function() b:unpack("Q") end)
        e(function() zbuff.create() end)
        e(function() zbuff.create(1.5) end)
        e(function() zbuff.create({8, 8}) end)
        e(function() b[0] = "x" end)
        e(function() b:copy(0, json.null) end)
        e(function() b:isEqual(0, "x") end)
        e(function() b:toBase64(1) end)
        e(function() b:get("write") end)
        e(function() local seek = b.seek; seek(b, true) end)
        e(function() b:set("s", "v") end)
        e(function() b:seek(b) end)
        log.info("err", pcall(b.read, b, "x"))
        log.info("ok", b:seek("3"), b:read("1") == "\\0", b:used())
        """);
    String at = "main.lua:";
    assertEquals(List.of(
        "I/user.err false " + at + "3: bad argument #1 to 'seek' (number expected, got string)",
        "I/user.err false " + at + "4: bad argument #1 to 'seek' (number has no integer representation)",
        "I/user.err false " + at + "5: bad argument #1 to 'seek' (ZBUFF* expected, got table)",
        "I/user.err false " + at + "6: bad argument #1 to 'seek' (ZBUFF* expected, got no value)",
        "I/user.err false " + at + "7: bad argument #1 to 'write' (string expected, got no value)",
        "I/user.err false " + at + "8: bad argument #1 to 'write' (ZBUFF* expected, got nil)",
        "I/user.err false " + at + "9: bad argument #1 to 'writeU8' (number expected, got string)",
        "I/user.err false " + at + "10: bad argument #1 to 'writeI8' (number has no integer representation)",
        "I/user.err false " + at + "11: calling 'pack' on bad self (bad code `z')",
        "I/user.err false " + at + "12: bad argument #2 to 'pack' (number expected, got no value)",
        "I/user.err false " + at + "13: calling 'unpack' on bad self (bad code `Q')",
        "I/user.err false " + at + "14: bad argument #1 to 'create' (number expected, got no value)",
        "I/user.err false " + at + "15: bad argument #1 to 'create' (number has no integer representation)",
        "I/user.err false " + at + "16: bad argument #-3 to 'create' (number expected, got nil)",
        "I/user.err false " + at + "17: bad argument #3 to '__newindex' (number expected, got string)",
        "I/user.err false " + at + "18: bad argument #2 to 'copy' (ZBUFF* expected, got light userdata)",
        "I/user.err false " + at + "19: bad argument #2 to 'isEqual' (ZBUFF* expected, got string)",
        "I/user.err false " + at + "20: bad argument #1 to 'toBase64' (ZBUFF* expected, got number)",
        "I/user.err false " + at + "21: bad argument #1 to 'get' (number expected, got string)",
        "I/user.err false " + at + "22: bad argument #2 to 'seek' (number expected, got boolean)",
        "I/user.err false " + at + "23: bad argument #2 to 'set' (number expected, got string)",
        "I/user.err false " + at + "24: bad argument #1 to 'seek' (number expected, got ZBUFF*)",
        "I/user.err false bad argument #2 to '?' (number expected, got string)",
        "I/user.ok 3 true 4"),
        lines);
  }

  @Test
  void memoryComesFromTheBoardsHeapAndGarbageCollectionGivesItBack() {
    long big = 1500 * 1024, second = 1000 * 1024;
    assertTrue(big + second > AIR780EPM_HEAP && big < AIR780EPM_HEAP && second < AIR780EPM_HEAP);
    assertEquals(List.of(
        "I/zbuff create large size: 1500 kbyte, trigger force GC",
        "I/user.m1 " + big,
        "I/zbuff create large size: 1000 kbyte, trigger force GC",
        "I/zbuff create size: " + second + " byte but memory not enough, trigger GC",
        "W/zbuff create size: " + second + " byte but memory not enough!!!",
        "I/user.m2 nil memory not enough",
        "E/zbuff zbuff realloc failed 1536000 -> " + (2 * big + 1),
        "I/user.m3 0 1536000",
        "I/zbuff create large size: 1000 kbyte, trigger force GC",
        "I/user.m4 " + second,
        "I/user.loop 100 true", // every buffer was created: none failed for good
        "I/zbuff create large size: 4194303 kbyte, trigger force GC",
        "I/zbuff create size: -1 byte but memory not enough, trigger GC",
        "W/zbuff create size: -1 byte but memory not enough!!!",
        "I/user.huge nil memory not enough"),
        withoutLines("I/zbuff create size: 61440 byte but memory not enough, trigger GC", run("""
            do
              local big = zbuff.create(1500 * 1024)
              log.info("m1", big:len())
              log.info("m2", zbuff.create(1000 * 1024))
              log.info("m3", big:copy(big:len(), "x"), big:len()) -- grows to len + 1 + start: too much
            end
            log.info("m4", zbuff.create(1000 * 1024):len()) -- the forced GC collected the first buffer
            local ok = true
            for i = 1, 100 do ok = ok and zbuff.create(60 * 1024) ~= nil end -- garbage, collected when memory runs out
            log.info("loop", 100, ok)
            log.info("huge", zbuff.create(-1))
            """)));
  }

  @Test
  void aCollectedZbuffIsForgottenAndItsMemoryReturned() {
    List<String> log = new ArrayList<>();
    Zbuff.Heap heap = new Zbuff.Heap(4096, line -> log.add("E/zbuff " + line));
    try (Vm vm = new Vm()) {
      Lua L = vm.main();
      for (String lib : List.of("base", "string", "table", "math", "coroutine", "debug")) L.openLibrary(lib);
      ArgError.install(vm, L);
      new ZbuffLib(vm, () -> heap, (level, text) -> log.add(level + "/zbuff " + text)).installInto(L);

      eval(vm, L, "kept = zbuff.create(1000) return zbuff.create(24)");
      long address = vm.natives().lua_touserdata(L.getPointer(), -1);
      Zbuff z = vm.userdata(L, -1, Zbuff.class);
      assertNotNull(z);
      assertEquals(24, z.len());
      assertEquals(1024, heap.allocated());
      L.pop(1);

      eval(vm, L, "collectgarbage() collectgarbage()");
      vm.pushLightUserdata(L, address);
      assertNull(vm.userdata(L, -1, Zbuff.class), "the collected zbuff's Java object is forgotten");
      L.pop(1);
      assertEquals(1000, heap.allocated());
      assertEquals(0, z.len());

      eval(vm, L, "kept:free() return kept:len(), kept:used()");
      assertEquals(0, heap.allocated(), "free() returns the memory at once");
      assertEquals(0, L.toInteger(-2));
      L.pop(2);
      eval(vm, L, "kept = nil collectgarbage()");
      assertEquals(0, heap.allocated(), "collecting a freed zbuff does not release twice");
      assertEquals(List.of(), log);
    }
  }

  @Test
  void theJavaApiServesSocketTxAndRx() {
    List<String> errors = new ArrayList<>();
    Zbuff.Heap heap = new Zbuff.Heap(64, errors::add);
    Zbuff z = Zbuff.allocate(heap, 8);
    assertNotNull(z);
    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    assertEquals(5, z.append(hello, 0, 5));
    assertEquals(8, z.len(), "fits: no growth");
    assertEquals(5, z.append(hello, 0, 5));
    assertEquals(10, z.len(), "grown to exactly used + n");
    assertEquals(10, z.used());
    assertArrayEquals("hellohello".getBytes(StandardCharsets.US_ASCII), z.copyUsed());
    assertEquals(10, z.usedView().remaining());
    assertEquals(10, z.used(), "tx leaves the cursor alone");

    assertFalse(z.ensureRemaining(60), "64 bytes of heap cannot hold 70");
    assertEquals(List.of("zbuff realloc failed 10 -> 70"), errors);
    assertEquals(10, z.len());
    assertEquals(0, z.append(new byte[60], 0, 60), "no room and no growth: nothing appended");
    assertEquals(2, errors.size());

    assertTrue(z.resize(4));
    assertEquals(4, z.used(), "shrinking clips used");
    assertEquals(4, heap.allocated());
    assertNull(Zbuff.allocate(heap, 61));
    z.release();
    assertEquals(0, heap.allocated());
    assertEquals(0, z.len());
  }

  // --- helpers ---------------------------------------------------------------------------------------

  /** Boots {@code main.lua} on the default board and returns what the script logged. */
  private static List<String> run(String lua) {
    try (Emulation emu = Emulation.run("air780epm", lua + "\nos.exit(0)\n")) {
      assertEquals(0, emu.awaitExit(), () -> String.join("\n", emu.lines()));
      return emu.scriptLines();
    }
  }

  /** The lines without those equal to {@code noise} (how often memory runs out in a loop depends on Lua's GC pace). */
  private static List<String> withoutLines(String noise, List<String> lines) {
    return lines.stream().filter(l -> !l.equals(noise)).toList();
  }

  private static void eval(Vm vm, Lua L, String chunk) {
    vm.load(L, chunk.getBytes(StandardCharsets.UTF_8), "=test");
    try {
      L.pCall(0, -1); // LUA_MULTRET
    } catch (Exception e) {
      throw new AssertionError(L.toString(-1), e);
    }
  }
}
