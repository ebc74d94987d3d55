import type { Diagnostic } from '../errors/diagnostic.js';
import { formatKeyPath } from '../errors/key-path.js';
import type { SourceLocator } from '../pipeline/index.js';

/** Collects diagnostics for one file, placing each at the key it is about. */
export class Problems {
  readonly list: Diagnostic[] = [];

  constructor(
    readonly file: string,
    private readonly source: SourceLocator,
  ) {}

  add(path: readonly (string | number)[], message: string): void {
    const { line, column } = this.source.locate(path);
    this.list.push({ file: this.file, line, column, key: formatKeyPath(path), message });
  }
}
