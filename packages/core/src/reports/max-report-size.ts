/** Largest report read, in characters. */
export const MAX_REPORT_SIZE = 50 * 1024 * 1024;
