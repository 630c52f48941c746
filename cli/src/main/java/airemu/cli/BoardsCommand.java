package airemu.cli;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code airemu boards}: the built-in board profiles. */
@Command(name = "boards", description = "Lists the built-in boards (use the name with 'run --board').")
final class BoardsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    out.printf("%-11s %-10s %-9s %-10s %-36s %s%n", "BOARD", "CHIP", "FIRMWARE", "BUILT", "ADAPTERS (registration order)",
        "DEFAULT");
    for (BoardProfile b : BoardProfiles.builtIn()) {
      String adapters = b.adapters().stream().map(a -> a.name() + (a.atBoot() ? "" : "*")).collect(Collectors.joining(" "));
      out.printf("%-11s %-10s %-9s %-10s %-36s %s%s%n", b.id(), b.chip(), b.firmware().bspVersion(), b.firmware().builtOn(), adapters,
          b.defaultAdapter().orElse("last registered"), b.id().equals(BoardProfiles.DEFAULT) ? "   (default board)" : "");
    }
    out.println("* registered when the script brings the adapter up, not at boot");
    out.flush();
    return ExitCode.OK;
  }

  static String describe(AdapterSpec a) {
    return a.name() + " (" + a.kind().id() + ")";
  }
}
