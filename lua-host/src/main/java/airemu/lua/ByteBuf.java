package airemu.lua;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer: Lua strings are bytes, and the firmware's output is bytes. */
final class ByteBuf {
  private byte[] bytes;
  private int size;

  ByteBuf() {
    this(64);
  }

  ByteBuf(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  ByteBuf put(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
    return this;
  }

  ByteBuf put(byte[] b) {
    return put(b, 0, b.length);
  }

  ByteBuf put(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
    return this;
  }

  /** Appends ASCII or UTF-8 text. */
  ByteBuf put(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) return put(s.subSequence(i, s.length()).toString().getBytes(StandardCharsets.UTF_8));
      put(c);
    }
    return this;
  }

  int size() {
    return size;
  }

  byte at(int i) {
    return bytes[i];
  }

  void truncate(int newSize) {
    size = newSize;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  byte[] array() {
    return bytes;
  }

  @Override
  public String toString() {
    return new String(bytes, 0, size, StandardCharsets.UTF_8);
  }

  private void ensure(int extra) {
    if (size + extra > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
  }
}
