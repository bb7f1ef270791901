import type { Handler } from './index.js';

/** path_* calls over the VFS. */
export const pathHandlers: Record<string, Handler> = {};
