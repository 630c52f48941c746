package airemu.cli.control;

/** The little JSON the control API writes: quoted strings; everything else is numbers and literals. */
final class Json {
  private Json() {}

  static String quote(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * The string value of {@code "key"} in a flat JSON object, or null. Enough for the one request body
   * the API takes ({@code {"command": "link down LWIP_GP"}}); not a general parser.
   */
  static String field(String json, String key) {
    int k = json.indexOf(quote(key));
    if (k < 0) return null;
    int colon = json.indexOf(':', k + key.length() + 2);
    if (colon < 0) return null;
    int i = colon + 1;
    while (i < json.length() && Character.isWhitespace(json.charAt(i))) i++;
    if (i >= json.length() || json.charAt(i) != '"') return null;
    StringBuilder b = new StringBuilder();
    for (i++; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '"') return b.toString();
      if (c == '\\' && i + 1 < json.length()) {
        char e = json.charAt(++i);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'u' -> {
            if (i + 4 >= json.length()) return null;
            b.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    return null;
  }
}
