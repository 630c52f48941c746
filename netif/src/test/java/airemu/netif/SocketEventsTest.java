package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The numbers scripts compare events with (spec 1.1, the EC618/EC7xx and PC build). */
class SocketEventsTest {
  @Test
  void eventNumbersAreTheMaskedResultEventsOfTheEc7xxBuild() {
    assertEquals(33554448, SocketEvents.LINK);
    assertEquals(33554449, SocketEvents.ON_LINE);
    assertEquals(33554450, SocketEvents.TX_OK);
    assertEquals(33554451, SocketEvents.CLOSED);
    assertEquals(33554452, SocketEvents.EVENT);
    assertEquals(33554433, SocketEvents.RAW_STATE);
    // each result event is the base plus its wait target
    assertEquals(SocketEvents.LINK, SocketEvents.RESULT_BASE + SocketCtrl.WAIT_LINK_UP);
    assertEquals(SocketEvents.ON_LINE, SocketEvents.RESULT_BASE + SocketCtrl.WAIT_ON_LINE);
    assertEquals(SocketEvents.TX_OK, SocketEvents.RESULT_BASE + SocketCtrl.WAIT_TX_OK);
    assertEquals(SocketEvents.CLOSED, SocketEvents.RESULT_BASE + SocketCtrl.WAIT_OFF_LINE);
    assertEquals(SocketEvents.EVENT, SocketEvents.RESULT_BASE + SocketCtrl.WAIT_EVENT);
  }
}
