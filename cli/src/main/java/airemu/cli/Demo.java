package airemu.cli;

import airemu.config.ConfigException;
import airemu.lua.Project;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled demo project, unpacked from the jar into a temporary folder so it runs like any project. */
final class Demo {
  private Demo() {}

  static Project project() throws IOException, ConfigException {
    Path dir = Files.createTempDirectory("airemu-demo");
    dir.toFile().deleteOnExit();
    for (String name : index()) {
      try (InputStream in = Demo.class.getResourceAsStream("/airemu/demo/" + name)) {
        if (in == null) throw new IOException("demo file missing from the jar: " + name);
        Path file = dir.resolve(name);
        Files.copy(in, file);
        file.toFile().deleteOnExit();
      }
    }
    return Project.open(dir);
  }

  private static java.util.List<String> index() throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("/airemu/demo/index.txt")) {
      if (in == null) throw new IOException("demo index missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }
}
