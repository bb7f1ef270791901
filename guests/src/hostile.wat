;; hostile - @test @desc calls every WASI and wVisor import with pseudo-random pointers, lengths, fds and values, then prints "hostile done"
;;
;; Usage: hostile [N [SEED]]   N calls (default: the exported global "iterations"), the
;; xorshift64 generator seeded from SEED (default 0), so a run is reproducible.
;;
;; Each of the N rounds picks one import at random and calls it with arguments drawn from
;; mixes of: 0, small values, in-bounds pointers, pointers straddling the end of memory,
;; -1 and friends, INT_MAX, and fully random 32/64-bit values. A correct host answers every
;; call with a WASI errno (EFAULT, EBADF, EINVAL, ENOTCAPABLE, ...) or a success, never an
;; exception, and the program then writes "hostile done\n" to stdout and exits 0.
;;
;; What is skipped or constrained, and why:
;; - proc_exit and proc_raise are imported but never called at random: they would end the run
;;   (proc_exit(0) is called once, at the end). So are proc_fork and proc_exec: a fork would
;;   double the run (two "hostile done" lines), an exec that works would replace it.
;; - fds 0, 1, 2 and 3 (stdio and the preopened directory) are never drawn: closing or
;;   renumbering stdout would lose the final line, reading stdin could wait for input, and
;;   path calls on the preopen would litter it. Path calls therefore reach only what hostile
;;   opens itself, starting from its scratch directory "hostile.tmp" (created in the preopen,
;;   left behind): any file appearing outside it means a host let a path escape its directory fd.
;; - kill, setpgid and tcsetpgrp get only pids and process groups >= 2^30 (or their
;;   negations), which cannot exist: a random small pid could signal a real task (pid -1 would
;;   signal all of them). tcsetattr can only reach fds >= 4, never the terminal on stdio, so a
;;   terminal's modes are never changed.
;; - pipe and pipe2: after a successful call the write end is closed at once, so that a later read of
;;   the read end gets EOF instead of blocking forever on a writer that is hostile itself.
;;   (A host must not leave a pipe or fd behind when it fails a call with EFAULT after
;;   creating it: such a leaked write end could make a read block.)
;; - poll_oneoff: when the subscriptions lie inside memory, the first is made a monotonic
;;   clock and every clock subscription a relative timeout under 1.05 ms, so the call cannot
;;   block long; their other bytes stay random.
;; - fd_allocate gets offsets and lengths below 1 MiB: on a host file system it reserves real
;;   disk blocks.
;; - prctl never gets option 38 (PR_SET_NO_NEW_PRIVS), so seccomp can never install one of
;;   its random programs (a filter needs no_new_privs): a random RET KILL program would end the
;;   run without showing a fault of the host. seccomp still gets random operations, flags,
;;   pointers and lengths.
(module

  ;; ---- every wasi_snapshot_preview1 call, then every wvisor_v1 call of guests/include/wvisor.h
  (import "wasi_snapshot_preview1" "args_get" (func $wa_args_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $wa_args_sizes_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $wa_environ_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $wa_environ_sizes_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $wa_clock_res_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $wa_clock_time_get (param i32) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func $wa_fd_advise (param i32) (param i64) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $wa_fd_allocate (param i32) (param i64) (param i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $wa_fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_datasync" (func $wa_fd_datasync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $wa_fd_fdstat_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $wa_fd_fdstat_set_flags (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $wa_fd_fdstat_set_rights (param i32) (param i64) (param i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $wa_fd_filestat_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $wa_fd_filestat_set_size (param i32) (param i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $wa_fd_filestat_set_times (param i32) (param i64) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $wa_fd_pread (param i32) (param i32) (param i32) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $wa_fd_prestat_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $wa_fd_prestat_dir_name (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $wa_fd_pwrite (param i32) (param i32) (param i32) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $wa_fd_read (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $wa_fd_readdir (param i32) (param i32) (param i32) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $wa_fd_renumber (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $wa_fd_seek (param i32) (param i64) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $wa_fd_sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func $wa_fd_tell (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $wa_fd_write (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $wa_path_create_directory (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $wa_path_filestat_get (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $wa_path_filestat_set_times (param i32) (param i32) (param i32) (param i32) (param i64) (param i64) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $wa_path_link (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $wa_path_open (param i32) (param i32) (param i32) (param i32) (param i32) (param i64) (param i64) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $wa_path_readlink (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $wa_path_remove_directory (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $wa_path_rename (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $wa_path_symlink (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $wa_path_unlink_file (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $wa_poll_oneoff (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $wa_proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $wa_proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $wa_sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $wa_random_get (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $wa_sock_accept (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $wa_sock_recv (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $wa_sock_send (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $wa_sock_shutdown (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "sigaction" (func $wv_sigaction (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "sigprocmask" (func $wv_sigprocmask (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "sigpending" (func $wv_sigpending (param i32) (result i32)))
  (import "wvisor_v1" "sigsuspend" (func $wv_sigsuspend (param i32) (result i32)))
  (import "wvisor_v1" "alarm" (func $wv_alarm (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "spawn" (func $wv_spawn (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "wait" (func $wv_wait (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "kill" (func $wv_kill (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "getpid" (func $wv_getpid (param i32) (result i32)))
  (import "wvisor_v1" "getppid" (func $wv_getppid (param i32) (result i32)))
  (import "wvisor_v1" "pipe" (func $wv_pipe (param i32) (result i32)))
  (import "wvisor_v1" "dup" (func $wv_dup (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "dup2" (func $wv_dup2 (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "setpgid" (func $wv_setpgid (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "getpgid" (func $wv_getpgid (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "setsid" (func $wv_setsid (param i32) (result i32)))
  (import "wvisor_v1" "getsid" (func $wv_getsid (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "tcsetpgrp" (func $wv_tcsetpgrp (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "tcgetpgrp" (func $wv_tcgetpgrp (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "tcgetattr" (func $wv_tcgetattr (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "tcsetattr" (func $wv_tcsetattr (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "tiocgwinsz" (func $wv_tiocgwinsz (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "isatty" (func $wv_isatty (param i32) (result i32)))
  (import "wvisor_v1" "seccomp" (func $wv_seccomp (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "prctl" (func $wv_prctl (param i32) (param i32) (param i32) (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "proc_fork" (func $wv_proc_fork (param i32) (result i32)))
  (import "wvisor_v1" "proc_exec" (func $wv_proc_exec (param i32) (result i32)))
  (import "wvisor_v1" "fd_fdflags_get" (func $wv_fd_fdflags_get (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "fd_fdflags_set" (func $wv_fd_fdflags_set (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "pipe2" (func $wv_pipe2 (param i32) (param i32) (result i32)))
  (import "wvisor_v1" "dup3" (func $wv_dup3 (param i32) (param i32) (param i32) (result i32)))

  (memory (export "memory") 1 1)
  ;; The default number of rounds; argv[1] overrides it.
  (global (export "iterations") i32 (i32.const 20000))
  ;; xorshift64 state; never 0.
  (global $s (mut i64) (i64.const 0x9E3779B97F4A7C15))

  ;; ---- the pseudo-random generator and the argument mixes
  (func $rnd (result i64)
    (global.set $s (i64.xor (global.get $s) (i64.shl (global.get $s) (i64.const 13))))
    (global.set $s (i64.xor (global.get $s) (i64.shr_u (global.get $s) (i64.const 7))))
    (global.set $s (i64.xor (global.get $s) (i64.shl (global.get $s) (i64.const 17))))
    (global.get $s))
  (func $r32 (result i32) (i32.wrap_i64 (i64.shr_u (call $rnd) (i64.const 32))))
  ;; Picks case (r32 & 7) of a mix.
  (func $pick (result i32) (i32.and (call $r32) (i32.const 7)))

  ;; Any 32-bit value: 0, small, in-bounds, -1..-16, INT_MAX, random.
  (func $any32 (result i32)
    (block $random (block $max (block $neg (block $mem (block $small (block $zero
      (br_table $zero $small $mem $neg $max $random $random $random (call $pick)))
      (return (i32.const 0)))
      (return (i32.and (call $r32) (i32.const 15))))
      (return (i32.and (call $r32) (i32.const 0xffff))))
      (return (i32.sub (i32.const -1) (i32.and (call $r32) (i32.const 15)))))
      (return (i32.const 0x7fffffff)))
    (call $r32))
  ;; Any 64-bit value: 0, small, -1, INT64_MAX, INT64_MIN, random.
  (func $any64 (result i64)
    (block $random (block $min (block $max (block $neg (block $small (block $zero
      (br_table $zero $small $neg $max $min $random $random $random (call $pick)))
      (return (i64.const 0)))
      (return (i64.and (call $rnd) (i64.const 15))))
      (return (i64.const -1)))
      (return (i64.const 0x7fffffffffffffff)))
      (return (i64.const 0x8000000000000000)))
    (call $rnd))
  ;; Below 1 MiB (fd_allocate's offset and length).
  (func $small64 (result i64) (i64.and (call $rnd) (i64.const 0xfffff)))
  ;; A pointer: 0, in bounds, aligned in bounds, straddling the end of memory, near 2^32, random.
  (func $ptr (result i32)
    (block $aligned (block $random (block $top (block $end (block $mem (block $zero
      (br_table $zero $mem $end $top $random $aligned $aligned $aligned (call $pick)))
      (return (i32.const 0)))
      (return (i32.and (call $r32) (i32.const 0xffff))))
      (return (i32.sub (i32.const 0x10000) (i32.and (call $r32) (i32.const 63)))))
      (return (i32.sub (i32.const -1) (i32.and (call $r32) (i32.const 15)))))
      (return (call $r32)))
    (i32.and (call $r32) (i32.const 0xfff8)))
  ;; A length or count: mostly small, sometimes 0, up to 64 KiB, or anything.
  (func $len (result i32)
    (block $small (block $any (block $mem (block $zero
      (br_table $zero $small $mem $any $small $small $small $small (call $pick)))
      (return (i32.const 0)))
      (return (i32.and (call $r32) (i32.const 0xffff))))
      (return (call $any32)))
    (i32.and (call $r32) (i32.const 15)))
  ;; A path pointer: mostly into the 32 bytes of names at 4096, else any pointer.
  (func $path (result i32)
    (if (result i32) (i32.eqz (i32.and (call $r32) (i32.const 3)))
      (then (call $ptr))
      (else (i32.add (i32.const 4096) (i32.and (call $r32) (i32.const 15))))))
  ;; An fd: 4..15 (what hostile opens), -1, or random; never 0..3 (see the top).
  (func $fd (result i32)
    (local $f i32)
    (block $mine (block $random (block $neg
      (br_table $neg $random $mine $mine $mine $mine $mine $mine (call $pick)))
      (return (i32.const -1)))
      (local.set $f (call $r32))
      (return (select (i32.add (local.get $f) (i32.const 4)) (local.get $f) (i32.lt_u (local.get $f) (i32.const 4)))))
    (i32.add (i32.const 4) (i32.rem_u (call $r32) (i32.const 12))))
  ;; A clock id: mostly 0..3 (the valid ones), else anything.
  (func $clock (result i32)
    (if (result i32) (i32.eqz (call $pick)) (then (call $any32)) (else (i32.and (call $r32) (i32.const 3)))))
  ;; A pid or process group that cannot exist: >= 2^30, or its negation.
  (func $pid (result i32)
    (local $p i32)
    (local.set $p (i32.or (i32.const 0x40000000) (i32.and (call $r32) (i32.const 0x3fffffff))))
    (select (i32.sub (i32.const 0) (local.get $p)) (local.get $p) (i32.and (call $r32) (i32.const 1))))

  ;; Decimal string at p to a number (stops at the first non-digit).
  (func $atoi (param $p i32) (result i32)
    (local $n i32) (local $c i32)
    (block $done
      (loop $next
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; Memory: 0 argc and argv size; 64 argv pointers; 1024 argv bytes; 4096 path names;
  ;; 8192 scratch-directory name and the final message. Random calls may overwrite any of it.
  (func $start (export "_start")
    (local $i i32) (local $n i32)
    (local.set $n (global.get 0))
    (if (i32.eqz (call $wa_args_sizes_get (i32.const 0) (i32.const 4)))
      (then
        (if (i32.and (i32.and (i32.ge_u (i32.load (i32.const 0)) (i32.const 2))
                              (i32.le_u (i32.load (i32.const 0)) (i32.const 200)))
                     (i32.le_u (i32.load (i32.const 4)) (i32.const 2048)))
          (then
            (if (i32.eqz (call $wa_args_get (i32.const 64) (i32.const 1024)))
              (then
                (local.set $n (call $atoi (i32.load (i32.const 68))))
                (if (i32.ge_u (i32.load (i32.const 0)) (i32.const 3))
                  (then
                    (global.set $s (i64.xor (global.get $s)
                      (i64.mul (i64.extend_i32_u (call $atoi (i32.load (i32.const 72))))
                               (i64.const 0x2545F4914F6CDD1D))))
                    (if (i64.eqz (global.get $s)) (then (global.set $s (i64.const 1))))))))))))
    ;; The scratch directory, as fd 4 (the first fd after the preopen), with the rights the
    ;; preopen passes on (fdstat at 8320: fs_rights_inheriting at offset 16), less the write
    ;; rights (datasync, write, allocate, filestat_set_size) in its own base set: a host may
    ;; open a directory for writing when asked for them, which fails with EISDIR.
    (i32.store (i32.const 8192) (i32.const 0x74736f68))
    (i32.store (i32.const 8196) (i32.const 0x2e656c69))
    (i32.store (i32.const 8200) (i32.const 0x00706d74))
    (drop (call $wa_path_create_directory (i32.const 3) (i32.const 8192) (i32.const 11)))
    (drop (call $wa_fd_fdstat_get (i32.const 3) (i32.const 8320)))
    (drop (call $wa_path_open (i32.const 3) (i32.const 0) (i32.const 8192) (i32.const 11)
      (i32.const 2) (i64.and (i64.load (i32.const 8336)) (i64.const -4194626))
      (i64.load (i32.const 8336)) (i32.const 0) (i32.const 8300)))
    (block $end
      (loop $round
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        ;; path names for $path: "a/b/../c/d..//x/y/../../a/b/c/.."
    (i64.store (i32.const 4096) (i64.const 0x632f2e2e2f622f61))
    (i64.store (i32.const 4104) (i64.const 0x2f782f2f2e2e642f))
    (i64.store (i32.const 4112) (i64.const 0x2f2e2e2f2e2e2f79))
    (i64.store (i32.const 4120) (i64.const 0x2e2e2f632f622f61))
        (call_indirect (type $v) (i32.rem_u (call $r32) (i32.const 68)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (i32.store (i32.const 8192) (i32.const 0x74736f68))
    (i32.store (i32.const 8196) (i32.const 0x20656c69))
    (i32.store (i32.const 8200) (i32.const 0x656e6f64))
    (i32.store (i32.const 8204) (i32.const 0x0000000a))
    (i32.store (i32.const 8256) (i32.const 8192))
    (i32.store (i32.const 8260) (i32.const 13))
    (drop (call $wa_fd_write (i32.const 1) (i32.const 8256) (i32.const 1) (i32.const 8264)))
    (call $wa_proc_exit (i32.const 0)))

  ;; ---- the two calls with hand-written wrappers
  (func $c_poll_oneoff
    (local $in i32) (local $n i32) (local $k i32) (local $a i32)
    (local.set $in (call $ptr))
    (local.set $n (if (result i32) (i32.eqz (call $pick))
      (then (call $any32)) (else (i32.and (call $r32) (i32.const 3)))))
    ;; Subscriptions (48 bytes each) inside memory: subscription 0 becomes a monotonic clock and
    ;; every clock subscription a relative timeout < 1.05 ms, so the call returns quickly.
    (if (i32.and (i32.ne (local.get $n) (i32.const 0))
          (i64.le_u (i64.add (i64.extend_i32_u (local.get $in))
                             (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 48)))
                    (i64.const 65536)))
      (then
        (i32.store8 offset=8 (local.get $in) (i32.const 0))
        (i32.store offset=16 (local.get $in) (i32.const 1))
        (loop $each
          (local.set $a (i32.add (local.get $in) (i32.mul (local.get $k) (i32.const 48))))
          (if (i32.eqz (i32.load8_u offset=8 (local.get $a)))
            (then
              (i64.store offset=24 (local.get $a) (i64.and (call $rnd) (i64.const 0xfffff)))
              (i32.store16 offset=40 (local.get $a) (i32.const 0))))
          (br_if $each (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))))
    (drop (call $wa_poll_oneoff (local.get $in) (call $ptr) (local.get $n) (call $ptr))))
  ;; pipe: closes the write end at once (see the top). A host that reports success must have
  ;; written both fds, so the load below traps only if it claimed success for a bad pointer.
  (func $c_pipe
    (local $p i32)
    (local.set $p (call $ptr))
    (if (i32.eqz (call $wv_pipe (local.get $p)))
      (then (drop (call $wa_fd_close (i32.load offset=4 (local.get $p)))))))
  (func $c_pipe2
    (local $p i32)
    (local.set $p (call $ptr))
    (if (i32.eqz (call $wv_pipe2 (local.get $p) (call $any32)))
      (then (drop (call $wa_fd_close (i32.load offset=4 (local.get $p)))))))

  ;; ---- one wrapper per call: draws the arguments, makes the call, ignores the result
  (func $c_args_get (drop (call $wa_args_get (call $ptr) (call $ptr))))
  (func $c_args_sizes_get (drop (call $wa_args_sizes_get (call $ptr) (call $ptr))))
  (func $c_environ_get (drop (call $wa_environ_get (call $ptr) (call $ptr))))
  (func $c_environ_sizes_get (drop (call $wa_environ_sizes_get (call $ptr) (call $ptr))))
  (func $c_clock_res_get (drop (call $wa_clock_res_get (call $clock) (call $ptr))))
  (func $c_clock_time_get (drop (call $wa_clock_time_get (call $clock) (call $any64) (call $ptr))))
  (func $c_fd_advise (drop (call $wa_fd_advise (call $fd) (call $any64) (call $any64) (call $any32))))
  (func $c_fd_allocate (drop (call $wa_fd_allocate (call $fd) (call $small64) (call $small64))))
  (func $c_fd_close (drop (call $wa_fd_close (call $fd))))
  (func $c_fd_datasync (drop (call $wa_fd_datasync (call $fd))))
  (func $c_fd_fdstat_get (drop (call $wa_fd_fdstat_get (call $fd) (call $ptr))))
  (func $c_fd_fdstat_set_flags (drop (call $wa_fd_fdstat_set_flags (call $fd) (call $any32))))
  (func $c_fd_fdstat_set_rights (drop (call $wa_fd_fdstat_set_rights (call $fd) (call $any64) (call $any64))))
  (func $c_fd_filestat_get (drop (call $wa_fd_filestat_get (call $fd) (call $ptr))))
  (func $c_fd_filestat_set_size (drop (call $wa_fd_filestat_set_size (call $fd) (call $any64))))
  (func $c_fd_filestat_set_times (drop (call $wa_fd_filestat_set_times (call $fd) (call $any64) (call $any64) (call $any32))))
  (func $c_fd_pread (drop (call $wa_fd_pread (call $fd) (call $ptr) (call $len) (call $any64) (call $ptr))))
  (func $c_fd_prestat_get (drop (call $wa_fd_prestat_get (call $fd) (call $ptr))))
  (func $c_fd_prestat_dir_name (drop (call $wa_fd_prestat_dir_name (call $fd) (call $ptr) (call $len))))
  (func $c_fd_pwrite (drop (call $wa_fd_pwrite (call $fd) (call $ptr) (call $len) (call $any64) (call $ptr))))
  (func $c_fd_read (drop (call $wa_fd_read (call $fd) (call $ptr) (call $len) (call $ptr))))
  (func $c_fd_readdir (drop (call $wa_fd_readdir (call $fd) (call $ptr) (call $len) (call $any64) (call $ptr))))
  (func $c_fd_renumber (drop (call $wa_fd_renumber (call $fd) (call $fd))))
  (func $c_fd_seek (drop (call $wa_fd_seek (call $fd) (call $any64) (call $any32) (call $ptr))))
  (func $c_fd_sync (drop (call $wa_fd_sync (call $fd))))
  (func $c_fd_tell (drop (call $wa_fd_tell (call $fd) (call $ptr))))
  (func $c_fd_write (drop (call $wa_fd_write (call $fd) (call $ptr) (call $len) (call $ptr))))
  (func $c_path_create_directory (drop (call $wa_path_create_directory (call $fd) (call $path) (call $len))))
  (func $c_path_filestat_get (drop (call $wa_path_filestat_get (call $fd) (call $any32) (call $path) (call $len) (call $ptr))))
  (func $c_path_filestat_set_times (drop (call $wa_path_filestat_set_times (call $fd) (call $any32) (call $path) (call $len) (call $any64) (call $any64) (call $any32))))
  (func $c_path_link (drop (call $wa_path_link (call $fd) (call $any32) (call $path) (call $len) (call $fd) (call $path) (call $len))))
  (func $c_path_open (drop (call $wa_path_open (call $fd) (call $any32) (call $path) (call $len) (call $any32) (call $any64) (call $any64) (call $any32) (call $ptr))))
  (func $c_path_readlink (drop (call $wa_path_readlink (call $fd) (call $path) (call $len) (call $ptr) (call $len) (call $ptr))))
  (func $c_path_remove_directory (drop (call $wa_path_remove_directory (call $fd) (call $path) (call $len))))
  (func $c_path_rename (drop (call $wa_path_rename (call $fd) (call $path) (call $len) (call $fd) (call $path) (call $len))))
  (func $c_path_symlink (drop (call $wa_path_symlink (call $path) (call $len) (call $fd) (call $path) (call $len))))
  (func $c_path_unlink_file (drop (call $wa_path_unlink_file (call $fd) (call $path) (call $len))))
  (func $c_sched_yield (drop (call $wa_sched_yield )))
  (func $c_random_get (drop (call $wa_random_get (call $ptr) (call $len))))
  (func $c_sock_accept (drop (call $wa_sock_accept (call $fd) (call $any32) (call $ptr))))
  (func $c_sock_recv (drop (call $wa_sock_recv (call $fd) (call $ptr) (call $len) (call $any32) (call $ptr) (call $ptr))))
  (func $c_sock_send (drop (call $wa_sock_send (call $fd) (call $ptr) (call $len) (call $any32) (call $ptr))))
  (func $c_sock_shutdown (drop (call $wa_sock_shutdown (call $fd) (call $any32))))
  (func $c_spawn (drop (call $wv_spawn (call $ptr) (call $ptr))))
  (func $c_wait (drop (call $wv_wait (call $any32) (call $any32) (call $ptr) (call $ptr))))
  (func $c_kill (drop (call $wv_kill (call $pid) (call $any32))) (call $c_signal))
  ;; kill's round also makes one of the signal calls: sigaction only queries (a random handler
  ;; index would run random code), alarm is disarmed at once, sigsuspend is never called (it
  ;; would wait for ever); masks and pointers are random.
  (func $c_signal
    (block $done (block $4 (block $3 (block $2 (block $1 (block $0
      (br_table $0 $1 $2 $3 $4 (i32.rem_u (call $r32) (i32.const 5))))
      (drop (call $wv_sigaction (call $any32) (i32.const 0) (call $ptr))) (br $done))
      (drop (call $wv_sigprocmask (call $any32) (call $ptr) (call $ptr))) (br $done))
      (drop (call $wv_sigpending (call $ptr))) (br $done))
      (drop (call $wv_alarm (call $any32) (call $ptr)))
      (drop (call $wv_alarm (i32.const 0) (call $ptr))) (br $done))
      (drop (call $wv_sigaction (call $any32) (i32.const 0) (i32.const 0)))))
  (func $c_getpid (drop (call $wv_getpid (call $ptr))))
  (func $c_getppid (drop (call $wv_getppid (call $ptr))))
  (func $c_dup (drop (call $wv_dup (call $fd) (call $ptr))))
  (func $c_dup2 (drop (call $wv_dup2 (call $fd) (call $fd))))
  (func $c_dup3 (drop (call $wv_dup3 (call $fd) (call $fd) (call $any32))))
  (func $c_fd_fdflags_get (drop (call $wv_fd_fdflags_get (call $fd) (call $ptr))))
  (func $c_fd_fdflags_set (drop (call $wv_fd_fdflags_set (call $fd) (call $any32))))
  (func $c_setpgid (drop (call $wv_setpgid (call $pid) (call $pid))))
  (func $c_getpgid (drop (call $wv_getpgid (call $any32) (call $ptr))))
  (func $c_setsid (drop (call $wv_setsid (call $ptr))))
  (func $c_getsid (drop (call $wv_getsid (call $any32) (call $ptr))))
  (func $c_tcsetpgrp (drop (call $wv_tcsetpgrp (call $fd) (call $pid))))
  (func $c_tcgetpgrp (drop (call $wv_tcgetpgrp (call $fd) (call $ptr))))
  (func $c_tcgetattr (drop (call $wv_tcgetattr (call $fd) (call $ptr))))
  (func $c_tcsetattr (drop (call $wv_tcsetattr (call $fd) (call $any32) (call $ptr))))
  (func $c_tiocgwinsz (drop (call $wv_tiocgwinsz (call $fd) (call $ptr))))
  (func $c_isatty (drop (call $wv_isatty (call $fd))))
  (func $c_seccomp (drop (call $wv_seccomp (call $any32) (call $any32) (call $ptr) (call $len))))
  (func $c_prctl (local $o i32)
    (local.set $o (call $any32))
    (if (i32.eq (local.get $o) (i32.const 38)) (then (local.set $o (i32.const 39))))
    (drop (call $wv_prctl (local.get $o) (call $ptr) (call $any32) (call $any32) (call $any32))))

  (type $v (func))
  (table 68 funcref)
  (elem (i32.const 0)
    $c_args_get $c_args_sizes_get $c_environ_get $c_environ_sizes_get
    $c_clock_res_get $c_clock_time_get $c_fd_advise $c_fd_allocate
    $c_fd_close $c_fd_datasync $c_fd_fdstat_get $c_fd_fdstat_set_flags
    $c_fd_fdstat_set_rights $c_fd_filestat_get $c_fd_filestat_set_size $c_fd_filestat_set_times
    $c_fd_pread $c_fd_prestat_get $c_fd_prestat_dir_name $c_fd_pwrite
    $c_fd_read $c_fd_readdir $c_fd_renumber $c_fd_seek
    $c_fd_sync $c_fd_tell $c_fd_write $c_path_create_directory
    $c_path_filestat_get $c_path_filestat_set_times $c_path_link $c_path_open
    $c_path_readlink $c_path_remove_directory $c_path_rename $c_path_symlink
    $c_path_unlink_file $c_sched_yield $c_random_get $c_sock_accept
    $c_sock_recv $c_sock_send $c_sock_shutdown $c_spawn
    $c_wait $c_kill $c_getpid $c_getppid
    $c_dup $c_dup2 $c_setpgid $c_getpgid
    $c_setsid $c_getsid $c_tcsetpgrp $c_tcgetpgrp
    $c_tcgetattr $c_tcsetattr $c_tiocgwinsz $c_isatty
    $c_poll_oneoff $c_pipe $c_seccomp $c_prctl
    $c_pipe2 $c_dup3 $c_fd_fdflags_get $c_fd_fdflags_set)
)
