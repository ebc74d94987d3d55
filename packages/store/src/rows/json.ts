/** Reads a JSON column; the store wrote it, so the caller knows its shape. */
export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** Result names to values, as stored in a JSON column (null reads as none). */
export function parseResults(text: string | null): Readonly<Record<string, string>> {
  return text === null ? {} : (parseJson(text) as Record<string, string>);
}

/** Labels as the attempts table keeps them: distinct and sorted, as a JSON array. */
export function labelsJson(labels: readonly string[]): string {
  return JSON.stringify([...new Set(labels)].sort());
}
