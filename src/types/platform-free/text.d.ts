/**
 * TextEncoder/TextDecoder exist in every host wVisor runs on, but ES2024 does
 * not declare them. Only the platform-free folders' tsconfigs include this file
 * (Node's and the DOM's own declarations serve the other builds).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
