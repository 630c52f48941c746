package airemu.bench;

/** The JVM's own start-up, printed beside airemu's so figures from different machines compare. */
public final class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
