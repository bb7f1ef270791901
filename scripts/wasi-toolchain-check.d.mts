// Types for wasi-toolchain-check.mjs (imported by test/fixtures/toolchain.ts).

/** The Debian packages that make up the wasm toolchain. */
export declare const WASI_TOOLCHAIN_PACKAGES: string;

/**
 * null when clang, wasm-ld, wasi-libc and the wasm32 compiler builtins are all
 * present; otherwise one line saying what is missing and what to install.
 */
export declare function wasiToolchainProblem(): string | null;
