package airemu.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.LoggerFactory;

/**
 * airemu's own diagnostics (SLF4J/Logback on stderr, never mixed with the device's log on stdout):
 * warnings by default, everything with --debug. Configured in code, and only when the first
 * diagnostic is logged, so a normal run does not pay for starting the logging system.
 */
final class Diagnostics {
  private static volatile boolean debug;

  private Diagnostics() {}

  static void enableDebug() {
    debug = true;
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
  }

  /** Found by Logback through META-INF/services. */
  public static final class Setup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("airemu: %-5level %logger{0} - %msg%n");
      encoder.start();
      ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
      stderr.setContext(context);
      stderr.setTarget("System.err");
      stderr.setEncoder(encoder);
      stderr.start();
      Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.setLevel(debug ? Level.DEBUG : Level.WARN);
      root.addAppender(stderr);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
  }
}
