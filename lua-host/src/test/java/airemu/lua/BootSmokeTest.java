package airemu.lua;

import org.junit.jupiter.api.Test;

class BootSmokeTest {
  @Test
  void smoke() {
    try (Emulation emu = Emulation.run("air780epm", """
        log.info("main", "hello", 1, 2.5, nil, true)
        print("a", 1/3, 10/2, 3//2, 1e15, "10"+1)
        sys.taskInit(function()
          sys.wait(100)
          log.info("task", "waited", mcu.ticks() >= 100)
          sys.publish("X", 1)
          os.exit(3)
        end)
        sys.run()
        """)) {
      int code = emu.awaitExit();
      System.out.println(String.join("\n", emu.lines()));
      System.out.println("exit " + code);
    }
  }
}
