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

  @Test
  void aStepWithoutDoListsTheActionsUnlessAKeyIsMisspelt() {
    assertError("""
        timeline:
          - at: 1s
            adapter: LWIP_GP
        """, "s.yaml:2:5: missing key 'do' (what the step does); allowed: link-down, link-up, ip-lose, ip-ready, ip-change, "
        + "flap, dns, unreachable, reset, latency, loss, bandwidth, blackhole, clear, reboot");
    assertError("""
        timeline:
          - at: 1s
            doo: link-down
            adaptr: LWIP_GP
        """, "s.yaml:3:5: unknown key 'doo'; allowed: at, do, adapter, for, every, repeat, ip, down, mode, host, delay, "
        + "jitter, percent, kbps");
  }

  @Test
  void aFileThatIsNoMappingNamesTheKeysItShouldHave() {
    assertError("- at: 1s\n  do: reboot\n", "s.yaml:1:1: the file must be a mapping of 'key: value' lines with the keys seed, timeline");
    assertError("just words\n", "s.yaml:1:1: the file must be a mapping of 'key: value' lines with the keys seed, timeline");
  }

  @Test
  void aJitterLargerThanItsDelayIsRefusedAtTheJitter() {
    assertError("""
        timeline:
          - at: 1s
            do: latency
            adapter: LWIP_GP
            delay: 100ms
            jitter: 150ms
        """, "s.yaml:6:13: 'jitter' (150ms) must not be larger than 'delay' (100ms): a packet cannot arrive before it was sent");
  }

  @Test
  void aRepeatThatLastsAsLongAsItsPeriodIsRefusedAtWhatLasts() throws Exception {
    // the second link-down would come while the first is still down, and the first's undo would
    // bring the link up in the middle of the second
    assertError("""
        timeline:
          - at: 1s
            do: link-down
            adapter: LWIP_GP
            for: 5s
            every: 1s
            repeat: 3
        """, "s.yaml:5:10: 'for' (5000ms) must be shorter than 'every' (1000ms): the next repeat would begin before this one "
        + "is undone; shorten 'for' or lengthen 'every'");
    assertError("""
        timeline:
          - at: 1s
            do: flap
            adapter: LWIP_GP
            down: 2s
            every: 2s
            repeat: 3
        """, "s.yaml:5:11: 'down' (2000ms) must be shorter than 'every' (2000ms): the next repeat would begin before this one "
        + "is undone; shorten 'down' or lengthen 'every'");
    Scenario.Step justShorter = Scenario.parse("s.yaml", """
        timeline:
          - at: 1s
            do: link-down
            adapter: LWIP_GP
            for: 999ms
            every: 1s
            repeat: 2
        """).timeline().get(0);
    assertThat(justShorter.forMillis()).isLessThan(justShorter.everyMillis()); // undone 1 ms before the next
  }

  @Test
  void anEveryOfNothingOrWithoutRepeatIsReportedAsSuch() {
    assertError("""
        timeline:
          - at: 1s
            do: reset
            adapter: LWIP_GP
            every: 0s
            repeat: 3
        """, "s.yaml:5:12: 'every' must be longer than 0 (e.g. 'every: 10s')");
    assertError("""
        timeline:
          - at: 1s
            do: reset
            adapter: LWIP_GP
            every: 10s
        """, "s.yaml:5:12: 'every' needs 'repeat' (how many times in all, e.g. 'repeat: 20')");
  }

  @Test
  void aFaultWithoutItsMeasureNamesItWithAnExample() {
    assertError("""
        timeline:
          - at: 1s
            do: loss
            adapter: LWIP_GP
        """, "s.yaml:3:9: 'loss' needs 'percent' (the share of UDP datagrams lost, 0 to 100, e.g. 'percent: 20')");
    assertError("""
        timeline:
          - at: 1s
            do: unreachable
            adapter: LWIP_GP
        """, "s.yaml:3:9: 'unreachable' needs 'host' (a name, an IP or '*', e.g. 'host: example.com')");
  }

  @Test
  void eachStepKnowsWhereItsValuesAre() throws Exception {
    Scenario s = Scenario.parse("s.yaml", """
        timeline:
          - at: 1s
            do: ip-change
            adapter: LWIP_GP
            ip: 10.0.0.300
        """);
    Scenario.Step step = s.timeline().get(0);
    assertThat(step.positions()).containsEntry("adapter", new YamlMap.Position(4, 14)).containsEntry("ip", new YamlMap.Position(5, 9));
    assertThat(s.errorAt(step, "ip", "bad")).hasMessage("s.yaml:5:9: bad");
    assertThat(s.errorAt(step, "for", "none")).hasMessage("s.yaml:2:5: none");
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> Scenario.parse("s.yaml", yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
