package airemu.cli.control;

import airemu.core.Device;
import airemu.core.LogRecord;
import airemu.netif.Environment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What happens in a run, for whoever watches it live: the device's log lines, changes of the network
 * outside it, the user's control actions, and the end of the run. Subscribers are called on the
 * thread the event happened on and must not block (the HTTP stream hands events to its event loop).
 */
public final class Events {

  /** One event; {@link #json()} is its form on the HTTP event stream. */
  public record Event(String type, long uptimeMillis, String text, String adapter) {
    public String json() {
      StringBuilder b = new StringBuilder("{\"type\":").append(Json.quote(type)).append(",\"uptime\":").append(uptimeMillis);
      if (adapter != null) b.append(",\"adapter\":").append(Json.quote(adapter));
      return b.append(",\"text\":").append(Json.quote(text)).append('}').toString();
    }
  }

  public Events(Device device) {
    this.device = device;
  }

  /** Delivers every later event to {@code subscriber}; close the result to stop. */
  public AutoCloseable subscribe(Consumer<Event> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public void log(LogRecord record) {
    publish(new Event("log", record.uptimeMillis(), record.text(), null));
  }

  /** Publishes every change of {@code environment} as a {@code network} event. */
  public void follow(Environment environment) {
    environment.addListener(c -> publish(new Event("network", Controls.uptimeMillis(device), c.describe(), c.adapter())));
  }

  public void control(String text) {
    publish(new Event("control", Controls.uptimeMillis(device), text, null));
  }

  public void exit(int code) {
    publish(new Event("exit", Controls.uptimeMillis(device), "exit " + code, null));
  }

  private void publish(Event e) {
    for (Consumer<Event> s : subscribers) s.accept(e);
  }

  private final Device device;
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
}
