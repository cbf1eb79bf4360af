import type { Document } from 'yaml';
import { Composer, CST, LineCounter, Parser, YAMLError } from 'yaml';
import { ApiImportError } from './api-import-error.ts';
import { jsonErrorOffset } from './json-error-offset.ts';
import { MAX_NESTING_DEPTH, MAX_YAML_ALIAS_EXPANSION, MAX_YAML_ALIASES, MAX_YAML_ANCHORS } from './limits.ts';

/**
 * The parser's stack holds one entry per open collection plus a few for the document itself. Checking it
 * while tokens arrive stops deeply nested input before the composer recurses into it (which overflows the
 * stack) or the parser's own stack exhausts memory (millions of `[` fit in 10 MiB).
 */
const PARSER_STACK_LIMIT = MAX_NESTING_DEPTH + 4;

class LimitedYamlParser extends Parser {
  readonly #lineCounter: LineCounter;
  #scalarContentNext = false;
  #anchors = 0;
  #aliases = 0;

  constructor(lineCounter: LineCounter) {
    super(lineCounter.addNewLine);
    this.#lineCounter = lineCounter;
  }

  override *next(source: string): Generator<CST.Token, void> {
    // The token after a scalar marker is scalar text, which may start with `&` or `*` without being an
    // anchor or alias.
    if (this.#scalarContentNext) {
      this.#scalarContentNext = false;
    } else if (source === CST.SCALAR) {
      this.#scalarContentNext = true;
    } else if (source.startsWith('&') && ++this.#anchors > MAX_YAML_ANCHORS) {
      throw this.#limitError(`more than ${MAX_YAML_ANCHORS} YAML anchors (&name)`);
    } else if (source.startsWith('*') && ++this.#aliases > MAX_YAML_ALIASES) {
      throw this.#limitError(`more than ${MAX_YAML_ALIASES} YAML aliases (*name)`);
    }
    yield* super.next(source);
    if (this.stack.length > PARSER_STACK_LIMIT) {
      throw this.#limitError(`objects and arrays nested more than ${MAX_NESTING_DEPTH} levels deep`);
    }
  }

  #limitError(what: string): ApiImportError {
    const { line, col } = this.#lineCounter.linePos(this.offset);
    return new ApiImportError(
      `The document has ${what} (at line ${line}, column ${col}); such documents are rejected to protect the server. Simplify the document, for example by expanding anchors into plain YAML.`,
    );
  }
}

/**
 * Turns JSON or YAML text into plain data. Text starting with `{` or `[` is JSON (YAML's lenient flow
 * syntax would accept broken JSON and report confusing problems later).
 * @throws ApiImportError when the text is not valid JSON or YAML, with line and column, or when YAML
 * nesting, anchors or alias expansion exceed the limits in `limits.ts`.
 */
export function parseJsonOrYaml(content: string): unknown {
  if (!/^\s*[{[]/.test(content)) return parseYaml(content);
  try {
    return JSON.parse(content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(content);
    const position = offset < 0 ? '' : ` (at ${lineAndColumn(content, offset)})`;
    // V8 quotes the offending text (possibly across lines) and names the offset; the position replaces both.
    const short = reason
      .replace(/, .*is not valid JSON$/s, '')
      .replace(/ at position \d+.*$/s, '')
      .replace(/ in JSON$/, '');
    throw new ApiImportError(
      `The document is not valid JSON: ${short}${position}. Fix the syntax there; check for a missing or extra comma, quote or bracket.`,
    );
  }
}

function parseYaml(content: string): unknown {
  const lineCounter = new LineCounter();
  const parser = new LimitedYamlParser(lineCounter);
  // `logLevel: 'error'` keeps the library from printing warnings; errors are collected and reported below.
  const composer = new Composer({ merge: true, uniqueKeys: true, logLevel: 'error', prettyErrors: false });
  let documents: Document.Parsed[];
  try {
    documents = Array.from(composer.compose(parser.parse(content), true, content.length));
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep();
    throw error;
  }
  const [document] = documents;
  if (!document) throw new ApiImportError('The document is empty. Provide an OpenAPI or Swagger document.');
  if (documents.length > 1) {
    throw new ApiImportError(
      `The text contains ${documents.length} YAML documents separated by "---"; provide exactly one.`,
    );
  }
  const [problem] = document.errors;
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    const position = `line ${line}, column ${col}`;
    if (/call stack/i.test(problem.message)) throw tooDeep();
    throw new ApiImportError(
      `The document is neither valid JSON nor valid YAML: ${firstLine(problem.message)} (at ${position}). Fix the syntax there; check indentation, quotes and brackets.`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_EXPANSION });
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep();
    if (error instanceof ReferenceError || error instanceof YAMLError) {
      throw new ApiImportError(
        `The YAML aliases of the document cannot be expanded: ${error.message}. Aliases may be used at most ${MAX_YAML_ALIAS_EXPANSION} times per anchor (counting nested aliases); expand them into plain YAML.`,
      );
    }
    throw error;
  }
}

function lineAndColumn(content: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let index = content.indexOf('\n');
    index !== -1 && index < offset;
    index = content.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function tooDeep(): ApiImportError {
  return new ApiImportError(
    `The document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep; flatten it or use $ref components.`,
  );
}
