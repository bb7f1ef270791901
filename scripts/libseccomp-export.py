#!/usr/bin/python3
"""Independent references for wVisor's seccomp engine tests (run with Debian's
/usr/bin/python3, which has python3-seccomp; pyenv's python3 does not).

Modes:
  export PROFILE.json OUT.bpf
      Compiles an OCI/Docker seccomp profile for x86_64 with libseccomp (as runc
      does: no capabilities, arch "amd64", kernel 6.1; rules whose action equals
      the default skipped; names libseccomp does not know skipped) and writes the
      BPF with export_bpf. Prints {"nrs": {name: x86_64 number}, "skipped": [...]}.
  kernel-verify      (stdin: JSON list of hex-encoded programs)
      Asks the running Linux kernel: installs each program with
      seccomp(SECCOMP_SET_MODE_FILTER) in a forked child. Prints a JSON list:
      0 when accepted, else the errno.
  kernel-run         (stdin: JSON list of {"prog": hex, "args": [6 decimal strings]})
      Installs each program in a forked child and calls getppid (x86_64 nr 110)
      with the six arguments. Prints a JSON list of {"errno": n}, {"ret": n} or
      {"signal": n}: what the kernel's own BPF execution decided.
"""
import ctypes
import json
import os
import sys

import seccomp
from seccomp import ALLOW, ERRNO, KILL, KILL_PROCESS, LOG, TRAP, TRACE, Arg, Arch, SyscallFilter

KERNEL = (6, 1)
ARCH = "amd64"
OPS = {
    "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}


def action(name, errno_ret):
    data = 1 if errno_ret is None else errno_ret
    return {
        "SCMP_ACT_ALLOW": lambda: ALLOW, "SCMP_ACT_ERRNO": lambda: ERRNO(data),
        "SCMP_ACT_KILL": lambda: KILL, "SCMP_ACT_KILL_THREAD": lambda: KILL,
        "SCMP_ACT_KILL_PROCESS": lambda: KILL_PROCESS, "SCMP_ACT_TRAP": lambda: TRAP,
        "SCMP_ACT_TRACE": lambda: TRACE(data), "SCMP_ACT_LOG": lambda: LOG,
    }[name]()


def version(s):
    return tuple(int(x) for x in s.split("."))


def applies(rule):
    for which in ("includes", "excludes"):
        f = rule.get(which) or {}
        caps = f.get("caps") or []
        arches = f.get("arches") or []
        mk = f.get("minKernel") or ""
        if which == "includes":
            if caps:  # a guest holds no capabilities
                return False
            if arches and ARCH not in arches:
                return False
            if mk and KERNEL < version(mk):
                return False
        else:
            if arches and ARCH in arches:
                return False
            if mk and KERNEL >= version(mk):
                return False
    return True


def export(profile_path, out_path):
    with open(profile_path) as fh:
        prof = json.load(fh)
    default = action(prof["defaultAction"], prof.get("defaultErrnoRet"))
    f = SyscallFilter(defaction=default)
    nrs, skipped = {}, []
    for rule in prof.get("syscalls") or []:
        names = rule.get("names") or ([rule["name"]] if "name" in rule else [])
        for n in names:
            nr = seccomp.resolve_syscall(Arch.X86_64, n)
            if nr >= 0:
                nrs[n] = nr
        if not applies(rule):
            continue
        act = action(rule["action"], rule.get("errnoRet"))
        if act == default:
            continue  # runc skips these; libseccomp refuses them (EACCES)
        args = [Arg(a["index"], OPS[a["op"]], a.get("value", 0), a.get("valueTwo", 0)) for a in rule.get("args") or []]
        for n in names:
            if seccomp.resolve_syscall(Arch.X86_64, n) < 0:
                skipped.append(n)
                continue
            f.add_rule(act, n, *args)
    with open(out_path, "wb") as fh:
        f.export_bpf(fh)
    print(json.dumps({"nrs": nrs, "skipped": sorted(set(skipped))}))


libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS = 38
SYS_seccomp = 317
SYS_getppid = 110


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(raw):
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return ctypes.get_errno()
    buf = ctypes.create_string_buffer(raw, max(len(raw), 1))
    prog = SockFprog(len(raw) // 8, ctypes.addressof(buf))
    if libc.syscall(ctypes.c_long(SYS_seccomp), ctypes.c_long(1), ctypes.c_long(0), ctypes.byref(prog)) != 0:
        return ctypes.get_errno()
    return 0


def in_child(fn):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            out = fn()
        except BaseException as e:  # report, never fall through to the parent's code
            out = {"error": repr(e)}
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return json.loads(data)


def verify_in_child(raw):
    """0 if the kernel accepted the program, else the errno. After a successful
    install the filter may kill or fail any further call (even exit), so the
    child reports only a failure, by exit status 100 + errno, and any other end
    means the program was accepted."""
    pid = os.fork()
    if pid == 0:
        err = install(raw)
        os._exit(100 + err if err else 0)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) > 100:
        return os.WEXITSTATUS(status) - 100
    return 0


def kernel_verify():
    progs = json.load(sys.stdin)
    print(json.dumps([verify_in_child(bytes.fromhex(p)) for p in progs]))


def kernel_run():
    cases = json.load(sys.stdin)

    def run(case):
        err = install(bytes.fromhex(case["prog"]))
        if err:
            return {"install_errno": err}
        args = [ctypes.c_ulong(int(a)) for a in case["args"]]
        ctypes.set_errno(0)
        r = libc.syscall(ctypes.c_long(SYS_getppid), *args)
        if r == -1:
            return {"errno": ctypes.get_errno()}
        return {"ret": r}

    print(json.dumps([in_child(lambda c=c: run(c)) for c in cases]))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "export" and len(sys.argv) == 4:
        export(sys.argv[2], sys.argv[3])
    elif mode == "kernel-verify":
        kernel_verify()
    elif mode == "kernel-run":
        kernel_run()
    else:
        sys.exit(__doc__)
