package airemu.netif;

/**
 * A table of ctrl slots, as {@code luat_network_adapter.c} keeps them: every lwIP adapter draws
 * from one shared table of {@code LWIP_NUM_SOCKETS} slots ({@code prv_network.lwip_ctrl_table}),
 * while an adapter with its own TCP/IP stack (the W5500) has a table of its own, sized by its
 * driver ({@code max_socket_num}). {@code socket.create} takes the first free slot and fails
 * ({@code adapter no more ctrl!}) when none is left; {@code socket.release} frees it. The slot is
 * also the offset the adapter's debug lines print. Device thread.
 */
final class CtrlTable {
  CtrlTable(int size) {
    if (size < 1) throw new IllegalArgumentException("a ctrl table holds at least one ctrl: " + size);
    busy = new boolean[size];
  }

  /** Takes the first free slot; -1 when the table is full. */
  int take() {
    for (int i = 0; i < busy.length; i++) {
      if (!busy[i]) {
        busy[i] = true;
        return i;
      }
    }
    return -1;
  }

  void free(int slot) {
    busy[slot] = false;
  }

  /** How many slots the table has. */
  int size() {
    return busy.length;
  }

  private final boolean[] busy;
}
