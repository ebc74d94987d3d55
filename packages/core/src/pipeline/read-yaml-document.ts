import {
  Composer,
  CST,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import { MAX_ALIAS_COUNT, MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH } from './limits.js';
import type { ParseResult, SourceLocator } from './parse-result.js';
import { documentStart, yamlSourceLocator } from './yaml-source-locator.js';

/** Which kind of file is read, for messages that say what the file should contain. */
export const DocumentKind = { Pipeline: 'pipeline', Template: 'template' } as const;
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind];

/** A YAML file read into plain data, with a way back to positions in its text. */
export interface YamlDocument {
  readonly data: Record<string, unknown>;
  readonly source: SourceLocator;
}

const HINTS = {
  pipeline: {
    needs: 'a pipeline needs at least a "tasks:" mapping',
    oneDocument:
      'a pipeline file holds one pipeline: remove the "---" line, or move the second pipeline to its own file under .slipway/',
    tooLarge:
      'split it into several pipelines under .slipway/, or move long scripts into files of the repository',
  },
  template: {
    needs: 'a template needs at least a "task:" mapping with "steps:"',
    oneDocument:
      'a template file holds one template: remove the "---" line, or move the second template to its own file',
    tooLarge: 'move long scripts into files of the repository',
  },
} as const satisfies Record<DocumentKind, Record<string, string>>;

/**
 * Reads one YAML document defensively: size, nesting depth and alias expansion are capped
 * before anything is built from the text, and every problem becomes a {@link Diagnostic}.
 * The result is a mapping of plain data, not yet checked against any schema.
 */
export function readYamlDocument(
  file: string,
  text: string,
  kind: DocumentKind,
): ParseResult<YamlDocument> {
  const hints = HINTS[kind];
  const at = (line: number, column: number, message: string): Diagnostic => ({
    file,
    line,
    column,
    key: '',
    message,
  });

  if (text.length > MAX_DOCUMENT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) {
    const message = `this file is larger than 1 MiB (${String(MAX_DOCUMENT_BYTES)} bytes), the limit for a ${kind} file; ${hints.tooLarge}`;
    return { ok: false, diagnostics: [at(1, 1, message)] };
  }

  const lineCounter = new LineCounter();
  const locate = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let doc: Document.Parsed | undefined;
  try {
    const tokens = readTokens(text, lineCounter, hints.oneDocument);
    if (!Array.isArray(tokens)) {
      const { line, column } = locate(tokens.offset);
      return { ok: false, diagnostics: [at(line, column, tokens.message)] };
    }
    const composer = new Composer({
      uniqueKeys: true,
      stringKeys: true,
      merge: true,
      logLevel: 'error',
    });
    [doc] = composer.compose(tokens, true, text.length);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, diagnostics: [at(1, 1, `this file could not be read as YAML: ${reason}`)] };
  }
  if (doc === undefined) {
    return { ok: false, diagnostics: [at(1, 1, `the file is empty; ${hints.needs}`)] };
  }

  const duplicates = findDuplicateKeys(doc);
  const problems = [...doc.errors, ...doc.warnings].filter(
    (problem) => problem.code !== 'DUPLICATE_KEY' || duplicates.length === 0,
  );
  if (problems.length + duplicates.length > 0) {
    const diagnostics = [
      ...problems.map((problem) => {
        const { line, column } = locate(problem.pos[0]);
        return at(line, column, yamlMessage(problem, hints.oneDocument));
      }),
      ...duplicates.map((duplicate) => {
        const { line, column } = locate(duplicate.offset);
        const first = locate(duplicate.firstOffset).line;
        const message = `duplicate key "${duplicate.key}" (first set on line ${String(first)}); keep one of them`;
        return at(line, column, message);
      }),
    ];
    return {
      ok: false,
      diagnostics: diagnostics.sort((a, b) => a.line - b.line || a.column - b.column),
    };
  }

  const root = doc.contents;
  if (!isMap(root)) {
    const { line, column } = locate(documentStart(doc));
    const what =
      root === null
        ? 'the file is empty'
        : `the file holds ${isSeq(root) ? 'a list' : 'a single value'}, not a mapping of keys`;
    return { ok: false, diagnostics: [at(line, column, `${what}; ${hints.needs}`)] };
  }

  const reserved = firstReservedKey(doc);
  if (reserved !== undefined) {
    const { line, column } = locate(reserved);
    return {
      ok: false,
      diagnostics: [at(line, column, 'the key "__proto__" is not allowed; rename it')],
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const problem = aliasProblem(doc, error);
    const { line, column } = locate(problem.offset);
    return { ok: false, diagnostics: [at(line, column, problem.message)] };
  }
  return {
    ok: true,
    value: { data: data as Record<string, unknown>, source: yamlSourceLocator(doc, lineCounter) },
  };
}

/**
 * Lexes and parses the text into the library's token tree, which is built without
 * recursion, and refuses documents nested deep enough to exhaust the stack in the
 * recursive steps that follow, or holding more than one document. Flow collections are
 * counted as the lexer streams, so a file of a million `[` stops after a few dozen.
 */
function readTokens(
  text: string,
  lineCounter: LineCounter,
  oneDocumentHint: string,
): CST.Token[] | { offset: number; message: string } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let flowDepth = 0;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    const type: string | null = atScalar ? 'scalar-source' : CST.tokenType(lexeme);
    atScalar = type === 'scalar';
    if (type === 'doc-mode' || type === 'flow-error-end') flowDepth = 0;
    else if (type === 'flow-map-end' || type === 'flow-seq-end')
      flowDepth = Math.max(0, flowDepth - 1);
    else if (type === 'flow-map-start' || type === 'flow-seq-start') {
      flowDepth += 1;
      if (flowDepth > MAX_NESTING_DEPTH) return { offset: parser.offset, message: TOO_DEEP };
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);

  let documents = 0;
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    documents += 1;
    if (documents > 1) {
      return {
        offset: token.offset,
        message: `a second YAML document starts here; ${oneDocumentHint}`,
      };
    }
    const tooDeep = firstTooDeep(token);
    if (tooDeep !== undefined) return { offset: tooDeep, message: TOO_DEEP };
  }
  return tokens;
}

const TOO_DEEP = `mappings and lists are nested more than ${String(MAX_NESTING_DEPTH)} levels deep here; flatten the structure`;

function firstTooDeep(document: CST.Document): number | undefined {
  const stack: [CST.Token | null | undefined, number][] = [[document.value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [token, depth] = entry;
    if (!CST.isCollection(token)) continue;
    if (depth + 1 > MAX_NESTING_DEPTH) return token.offset;
    for (const item of token.items as CST.CollectionItem[]) {
      stack.push([item.value, depth + 1], [item.key, depth + 1]);
    }
  }
  return undefined;
}

function yamlMessage(problem: YAMLError, oneDocumentHint: string): string {
  switch (problem.code) {
    case 'DUPLICATE_KEY':
      return 'this key appears twice in the same mapping; keep one of them';
    case 'MULTIPLE_DOCS':
      return `a second YAML document starts here; ${oneDocumentHint}`;
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML indents with spaces only';
    case 'TAG_RESOLVE_FAILED':
      return `${plainMessage(problem.message)}; remove the tag, or quote the value`;
    case 'RESOURCE_EXHAUSTION':
      return `this structure is nested too deeply to read; flatten it`;
    case 'NON_STRING_KEY':
      return 'keys must be plain strings; a list or mapping cannot be a key';
    case 'ALIAS_PROPS':
    case 'BAD_ALIAS':
    case 'BAD_DIRECTIVE':
    case 'BAD_DQ_ESCAPE':
    case 'BAD_INDENT':
    case 'BAD_PROP_ORDER':
    case 'BAD_SCALAR_START':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'BLOCK_IN_FLOW':
    case 'IMPOSSIBLE':
    case 'KEY_OVER_1024_CHARS':
    case 'MISSING_CHAR':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MULTIPLE_ANCHORS':
    case 'MULTIPLE_TAGS':
    case 'UNEXPECTED_TOKEN':
    case 'BAD_COLLECTION_TYPE':
      return plainMessage(problem.message);
  }
}

/** The library's message, starting in lower case like the others. */
function plainMessage(message: string): string {
  const base = message.trim();
  return /^[A-Z][a-z]/.test(base) ? base.charAt(0).toLowerCase() + base.slice(1) : base;
}

interface DuplicateKey {
  readonly key: string;
  /** Where the key appears again. */
  readonly offset: number;
  readonly firstOffset: number;
}

/** Keys set twice in one mapping (`<<` merge keys may repeat). */
function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  visit(doc, {
    Map(_key, map) {
      const firstOffsets = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
        const key = pair.key.value;
        const offset = pair.key.range?.[0] ?? 0;
        const firstOffset = firstOffsets.get(key);
        if (firstOffset === undefined) firstOffsets.set(key, offset);
        else duplicates.push({ key, offset, firstOffset });
      }
    },
  });
  return duplicates;
}

function aliasProblem(doc: Document, error: unknown): { offset: number; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes('Excessive alias count')) {
    return {
      offset: firstAlias(doc, () => true) ?? documentStart(doc),
      message: `YAML aliases (*name) expand too much: more than ${String(MAX_ALIAS_COUNT)} expansions, counting aliases inside aliased values; write the values out instead`,
    };
  }
  const unresolved = /Unresolved alias[^:]*: (.*)$/.exec(text)?.[1];
  if (unresolved !== undefined) {
    return {
      offset: firstAlias(doc, (source) => source === unresolved) ?? documentStart(doc),
      message: `the alias *${unresolved} has no anchor; define &${unresolved} before it is used`,
    };
  }
  return { offset: documentStart(doc), message: `this file could not be read as YAML: ${text}` };
}

/** `__proto__` would be dropped silently by validation; it is refused instead. */
function firstReservedKey(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.value !== '__proto__') return undefined;
      offset = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function firstAlias(doc: Document, matches: (source: string) => boolean): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, alias) {
      if (!isAlias(alias) || !matches(alias.source)) return undefined;
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
