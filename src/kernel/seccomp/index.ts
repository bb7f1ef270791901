/**
 * wVisor's seccomp-BPF engine (package subpath `wvisor/seccomp`): Linux-exact
 * classic BPF verification and execution, a JIT to JavaScript, filter stacks
 * with the kernel's precedence, and an OCI/Docker profile compiler.
 */
export * from './bpf.js';
export * from './seccomp-data.js';
export * from './actions.js';
export { verify, VerifiedProgram, SeccompVerifyError, isConditionalJump } from './verifier.js';
export { exec } from './interpreter.js';
export { jit, tryJit, jitSource, JitUnavailableError, type JitFilter } from './jit.js';
export { disassemble, disasmInsn, seccompDataField } from './disasm.js';
export { explain, traceProgram, type Explanation, type FilterTrace } from './explain.js';
export {
  FilterStack, FilterStackLoadError, MAX_INSNS_PER_PATH, toBase64, fromBase64,
  type FilterStackOptions, type FilterStackState, type InstalledFilter, type SeccompResult,
} from './filter-stack.js';
export { linuxAliases, linuxAliasNames, type LinuxAlias } from './aliases.js';
export {
  compileProfile, resolveProfile, ProfileError, WVISOR_KERNEL_VERSION, WVISOR_PROFILE_ARCH,
  type ArgCondition, type CallPolicy, type CallRule, type CompareOp, type CompileOptions, type CompiledProfile,
} from './profile.js';
export { AUDIT_ARCH_WVISOR, syscallByName, syscallByNr, syscalls } from '../syscall-table.js';
