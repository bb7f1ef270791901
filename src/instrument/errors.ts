/**
 * Errors the module rewriter throws. Each says what is wrong with the module
 * and what the person can do about it.
 */

/** The bytes are not a WebAssembly module binaryen can read. */
export class InvalidModuleError extends Error {
  constructor(detail: string) {
    super(`not a readable WebAssembly module (${detail}); give a .wasm file built for wasm32-wasi`);
    this.name = 'InvalidModuleError';
  }
}

/** The module already carries a `wvisor.rewrite` section: rewriting twice would double every check. */
export class AlreadyRewrittenError extends Error {
  constructor(readonly version: number) {
    super(`module was already rewritten by wVisor (rewrite version ${version}); pass the original module, `
      + 'or use it as is (readRewriteInfo tells which original it came from)');
    this.name = 'AlreadyRewrittenError';
  }
}

/** The module uses a name or feature the rewriter cannot handle. */
export class UnsupportedModuleError extends Error {
  /** `detail`: what the module does; `hint`: what the person can do. */
  constructor(detail: string, hint = 'build it for wasm32-wasi with clang or rustc (no GC, no memory64)') {
    super(`wVisor cannot instrument this module: ${detail}; ${hint}`);
    this.name = 'UnsupportedModuleError';
  }
}

/** A `wvisor.rewrite` section exists but cannot be parsed. */
export class CorruptRewriteInfoError extends Error {
  constructor(detail: string) {
    super(`the module's wvisor.rewrite section is corrupt (${detail}); rewrite the original module again`);
    this.name = 'CorruptRewriteInfoError';
  }
}
