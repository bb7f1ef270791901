import type { Task } from './task.js';

/**
 * A session: a set of process groups, usually one login or one terminal. Its
 * leader created it with setsid(); the controlling terminal's foreground group
 * lives on the tty (tty.ts) and refers back to the session.
 */
export class Session {
  /** Process groups in this session. Changed by setpgid/setsid/exit. Saved (as ids). */
  readonly groups = new Set<ProcessGroup>();
  constructor(
    /** Session id = the leader's pid. Fixed. Saved. */
    readonly sid: number,
  ) {}
}

/**
 * A process group: the unit job control signals (kill(-pgid), ^C, ^Z) go to.
 */
export class ProcessGroup {
  /** Member processes. Changed by setpgid/spawn/exit. Saved (as pids). */
  readonly members = new Set<Task>();
  constructor(
    /** Group id = the creating process's pid. Fixed. Saved. */
    readonly pgid: number,
    /** The session the group belongs to. Fixed. Saved (as sid). */
    readonly session: Session,
  ) {
    session.groups.add(this);
  }

  /**
   * POSIX's orphaned process group: no member has a parent in a different group
   * of the same session. Stop signals from the tty are not sent to such groups.
   */
  isOrphaned(): boolean {
    for (const t of this.members) {
      const p = t.parent;
      if (p && p.pgrp !== this && p.pgrp.session === this.session) return false;
    }
    return true;
  }
}
