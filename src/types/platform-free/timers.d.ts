/**
 * Timers exist in every JavaScript host wVisor runs on (browsers, workers, Node),
 * but ES2024 does not declare them. Platform-free code may use these two.
 */
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
