import { randomUUID } from 'node:crypto';

/**
 * An id that sorts by `at` (milliseconds, 10 base-36 digits) followed by 64 random bits
 * in hex. The random part comes from `randomUUID`, which draws from a buffer of entropy
 * it refills now and then, rather than asking the kernel for every id.
 */
export function timeSortedId(at: number): string {
  const random = randomUUID();
  return `${Math.max(0, at).toString(36).padStart(10, '0')}${random.slice(0, 8)}${random.slice(28)}`;
}
