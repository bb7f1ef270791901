import type { Task } from './task.js';

/**
 * A session: a set of process groups, usually one login or one terminal. Its
 * leader created it with setsid(); the controlling terminal's foreground group
 * lives on the tty (tty.ts) and refers back to the session.
 */
export class Session {
  /** Process groups in this session. Changed by setpgid/setsid/exit. @nosave rebuilt from each task's pgid */
  readonly groups = new Set<ProcessGroup>();
  constructor(
    /** Session id = the leader's pid. Fixed. @saved as each task's sid */
    readonly sid: number,
  ) {}
}

/**
 * A process group: the unit job control signals (kill(-pgid), ^C, ^Z) go to.
 */
export class ProcessGroup {
  /** Member processes. Changed by setpgid/spawn/exit. @nosave rebuilt from each task's pgid */
  readonly members = new Set<Task>();
  constructor(
    /** Group id = the creating process's pid. Fixed. @saved as each task's pgid */
    readonly pgid: number,
    /** The session the group belongs to. Fixed. @saved as each task's sid */
    readonly session: Session,
  ) {
    session.groups.add(this);
  }

  /**
   * POSIX's orphaned process group: no live member has a parent in a different
   * group of the same session (zombies do not count, as in Linux's
   * will_become_orphaned_pgrp). Stop signals from the tty are not sent to such groups.
   */
  isOrphaned(): boolean {
    for (const t of this.members) {
      if (!t.alive) continue;
      const p = t.parent;
      if (p && p.pgrp !== this && p.pgrp.session === this.session) return false;
    }
    return true;
  }
}
