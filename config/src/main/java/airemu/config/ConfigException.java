package airemu.config;

/**
 * A mistake in something the user wrote: a file, a board name, an option value. Its message is one
 * line meant for the user, such as {@code my-board.yaml:7:3: unknown key 'sokets'; allowed: name, kind, sockets}.
 */
public final class ConfigException extends Exception {

  public ConfigException(String message) {
    super(message, null, false, false);
  }

  /** An error at a place in a file; line and column are 1-based. */
  public static ConfigException at(String file, int line, int column, String message) {
    return new ConfigException(file + ":" + line + ":" + column + ": " + message);
  }
}
