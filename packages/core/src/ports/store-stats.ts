/** How many rows have each status; statuses without any are left out. */
export type StatusCounts<S extends string> = Readonly<Partial<Record<S, number>>>;
