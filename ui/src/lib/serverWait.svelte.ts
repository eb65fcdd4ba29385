// Actions that wait for the hotel's server (`ASKS_THE_SERVER`: signing in, clocking, claiming a
// conversation…) say so once they have waited a moment: a frozen server took 10 s to fail an
// action that said nothing meanwhile (issue 63.13).

/** How long an action waits for the server before the desk says that it waits. */
export const SAY_WAITING_AFTER_MS = 2000;

class ServerWait {
  /** Actions that have waited for the server longer than `SAY_WAITING_AFTER_MS` and still wait. */
  long = $state(0);

  /** An action that waits for the server began; call what it returns when it has its answer. */
  begin(): () => void {
    let said = false;
    const timer = setTimeout(() => {
      said = true;
      this.long += 1;
    }, SAY_WAITING_AFTER_MS);
    return () => {
      clearTimeout(timer);
      if (said) this.long -= 1;
    };
  }
}

export const serverWait = new ServerWait();
