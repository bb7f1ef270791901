/**
 * lib.dom types WebAssembly.compile's argument as BufferSource over an
 * ArrayBuffer only; the platform-free kernel (compiled against
 * src/types/wasm.d.ts) passes a plain Uint8Array. This overload lets the
 * page's type-check include kernel code unchanged. At run time the bytes the
 * page gives are always ArrayBuffer-backed (fetch results).
 */
declare namespace WebAssembly {
  function compile(bytes: Uint8Array): Promise<Module>;
}
