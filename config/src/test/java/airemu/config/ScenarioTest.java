package airemu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Scenario files: a readable timeline, and one clear line for every mistake. */
class ScenarioTest {

  @Test
  void aTimelineReadsInTimeOrderWithItsParameters() throws Exception {
    Scenario s = Scenario.parse("faults.yaml", """
        seed: 42
        timeline:
          - at: 1m
            do: flap
            adapter: LWIP_STA
            down: 2s
            every: 10s
            repeat: 20
          - at: 10s
            do: link-down
            adapter: LWIP_GP
            for: 5s
          - at: 30s
            do: latency
            adapter: LWIP_GP
            delay: 300ms
            jitter: 50ms
          - at: 2m
            do: reboot
        """);
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.timeline()).extracting(Scenario.Step::action)
        .containsExactly(Scenario.Action.LINK_DOWN, Scenario.Action.LATENCY, Scenario.Action.FLAP, Scenario.Action.REBOOT);
    Scenario.Step down = s.timeline().get(0);
    assertThat(down.line()).isEqualTo(9);
    assertThat(down.atMillis()).isEqualTo(10_000);
    assertThat(down.forMillis()).isEqualTo(5_000);
    assertThat(s.timeline().get(1).millis("delay", 0)).isEqualTo(300);
    assertThat(s.timeline().get(1).millis("jitter", 0)).isEqualTo(50);
    Scenario.Step flap = s.timeline().get(2);
    assertThat(flap.repeat()).isEqualTo(20);
    assertThat(flap.everyMillis()).isEqualTo(10_000);
    assertThat(flap.millis("down", 0)).isEqualTo(2_000);
  }

  @Test
  void mistakesNameFileLineAndTheAllowedKeys() {
    assertError("""
        timeline:
          - at: 1s
            do: latency
            adapter: LWIP_GP
            dealy: 300ms
        """, "s.yaml:5:5: unknown key 'dealy'; allowed: at, do, adapter, for, every, repeat, delay, jitter");
    assertError("""
        timeline:
          - at: 1s
            do: explode
        """, "s.yaml:3:9: 'do' is 'explode'; allowed: link-down, link-up, ip-lose, ip-ready, ip-change, flap, dns, "
        + "unreachable, reset, latency, loss, bandwidth, blackhole, clear, reboot");
    assertError("""
        timeline:
          - at: 1s
            do: link-down
        """, "s.yaml:3:9: 'link-down' needs 'adapter' (e.g. 'adapter: LWIP_GP')");
    assertError("""
        timeline:
          - do: reboot
            at: 1s
            for: 2s
        """, "s.yaml:4:10: 'reboot' cannot be undone, so 'for' does not apply");
    assertError("""
        timeline:
          - at: 1s
            do: loss
            adapter: LWIP_GP
            percent: 150
        """, "s.yaml:5:14: 'percent' must be between 0 and 100");
    assertError("""
        timeline:
          - do: reboot
        """, "s.yaml:2:5: missing key 'at' (when the step happens, e.g. 'at: 10s')");
    assertError("seed: 1\nsteps: []\n", "s.yaml:2:1: unknown key 'steps'; allowed: seed, timeline");
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> Scenario.parse("s.yaml", yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
