/**
 * A parsed YAML (or JSON: JSON is YAML) input file that remembers where every value came from, so an error
 * found later — by zod or by a semantic check — can name the file, the line and the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ZodError } from 'zod';
import { InputError } from '../core/errors.js';

/** A path into a document: map keys and sequence indices, as zod reports them. */
export type FieldPath = ReadonlyArray<PropertyKey>;

/** "threats[1].aim.lat" */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += (out ? '.' : '') + String(k);
  }
  return out;
}

/** A path written in `file`, resolved against that file's folder (kept relative if `file` is, for short messages). */
export function besideFile(file: string, ref: string): string {
  return isAbsolute(ref) ? ref : join(dirname(file), ref);
}

export class YamlSource {
  /** the document as plain data */
  readonly value: unknown;

  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {
    this.value = doc.toJS({ maxAliasCount: 1000 });
  }

  /** Parses text; a syntax error becomes an InputError at its line. */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    // JSON-compatible core schema (YAML 1.2): dates stay strings, "no" stays a string.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      // The library appends " at line L, column C:" and a code frame; we give the line separately.
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`YAML syntax: ${message}`, file, err.linePos?.[0].line);
    }
    return new YamlSource(file, doc, lines);
  }

  /** Reads and parses a file; `referredBy` locates the reference when the file is missing. */
  static read(file: string, referredBy?: { source: YamlSource; path: FieldPath }): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file (${(e as Error).message})`;
      if (referredBy) throw referredBy.source.error(referredBy.path, `referenced ${why}: ${file}`);
      throw new InputError(why, file);
    }
    return YamlSource.parse(text, file);
  }

  /** The plain value at a path (undefined when absent). */
  get(path: FieldPath): unknown {
    let v: unknown = this.value;
    for (const k of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<PropertyKey, unknown>)[k as string];
    }
    return v;
  }

  /**
   * The 1-based line of a field. Scalars point at their own line; a map or sequence value points at the line
   * of its key ("aim:"), which is where a reader looks. A path that runs past what exists (a missing field)
   * stops at the deepest field that does exist.
   */
  lineOf(path: FieldPath): number | undefined {
    let node: unknown = this.doc.contents;
    let line = this.nodeLine(node);
    for (const key of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key);
        if (!pair) break;
        node = pair.value;
        const keyLine = this.nodeLine(pair.key);
        line = isScalar(node) || keyLine === undefined ? (this.nodeLine(node) ?? keyLine) : keyLine;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (item === undefined) break;
        node = item;
        line = this.nodeLine(node) ?? line;
      } else {
        break;
      }
    }
    return line;
  }

  /** An InputError at a field of this file. */
  error(path: FieldPath, message: string): InputError {
    return new InputError(message, this.file, this.lineOf(path), path.length ? formatPath(path) : undefined);
  }

  /** The first problem zod found, as an InputError at its field (paths relative to `prefix`). */
  zodError(err: ZodError, prefix: FieldPath = []): InputError {
    const issues = err.issues as unknown as Issue[];
    // A misspelt field also shows up as a missing one: the unknown name is the better explanation.
    const unknown = issues.find((i) => i.code === 'unrecognized_keys');
    const { path, message } = unknown ? describeUnknown(unknown, issues) : describeIssue(issues[0]!);
    const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
    return this.error([...prefix, ...path], message + more);
  }

  private nodeLine(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

/** The subset of a zod 4 issue we read. */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
  errors?: Issue[][];
}

/** An unknown field, with the missing field of the same object it most likely misspells. */
function describeUnknown(issue: Issue, all: Issue[]): { path: PropertyKey[]; message: string } {
  const key = issue.keys![0]!;
  const parent = issue.path.join('\u0000');
  const missing = all
    .filter((i) => i.code === 'invalid_type' && i.input === undefined && i.path.slice(0, -1).join('\u0000') === parent)
    .map((i) => String(i.path[i.path.length - 1]))
    .filter((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = missing.length ? ` (did you mean "${missing[0]}"?)` : '';
  return { path: [...issue.path, key], message: `unknown field "${key}"${hint}` };
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Turns a zod issue into a path and a sentence; unions are resolved to the branch that got furthest. */
function describeIssue(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    // The branch whose deepest complaint is deepest is the one the author meant; ties go to fewer complaints.
    const depth = (b: Issue[]): number => Math.max(...b.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
    const best = [...issue.errors].filter((b) => b.length > 0).sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    if (best) {
      const inner = describeIssue(best[0]!);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return { path: [...issue.path, issue.keys[0]!], message: `unknown field "${issue.keys[0]}"` };
  }
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) {
    return { path: issue.path, message: `required field is missing (expected ${issue.expected ?? 'a value'})` };
  }
  return { path: issue.path, message: issue.message };
}
