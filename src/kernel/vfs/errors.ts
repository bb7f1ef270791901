/**
 * Errors for the people setting up a VFS (mounting, loading a snapshot,
 * populating files), never for guests: guests get WASI errno values.
 */
export class VfsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VfsSetupError';
  }
}
