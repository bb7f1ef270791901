/**
 * Lesson progress, kept in IndexedDB (idb-keyval, already the module cache's
 * store library): for each lesson, the indexes of the steps passed.
 */
import { createStore, del, get, set } from 'idb-keyval';

const store = createStore('wvisor-lessons', 'progress');

export async function loadProgress(lesson: string): Promise<number[]> {
  try {
    const v = await get<number[]>(lesson, store);
    return Array.isArray(v) ? v : [];
  } catch {
    return []; // no IndexedDB (private mode): progress lives as long as the page
  }
}

export async function saveProgress(lesson: string, done: number[]): Promise<void> {
  try { await set(lesson, [...new Set(done)].sort((a, b) => a - b), store); } catch { /* see loadProgress */ }
}

export async function resetProgress(lesson: string): Promise<void> {
  try { await del(lesson, store); } catch { /* see loadProgress */ }
}
