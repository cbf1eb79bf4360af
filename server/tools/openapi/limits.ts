/**
 * Bounds on untrusted documents. Every traversal in the importer is bounded by one of these, so a hostile
 * document can make an import fail but cannot hang it, exhaust memory or overflow the stack.
 */

/** Largest accepted document, in UTF-8 bytes (10 MiB). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Deepest accepted nesting of objects and arrays. Real documents stay far below (about 25). */
export const MAX_NESTING_DEPTH = 128;

/**
 * Most values (objects, arrays and scalars, shared YAML alias targets counted at every use) in a parsed
 * document. A 10 MiB JSON document cannot exceed it by much; YAML aliases could, which is the point.
 */
export const MAX_DOCUMENT_NODES = 2_000_000;

/** Longest chain of `$ref`s followed to reach a value. */
export const MAX_REF_DEPTH = 32;

/**
 * The `yaml` library's `maxAliasCount`: how many times, weighted by their own nested aliases, the nodes of
 * one anchor may be repeated. Stops "billion laughs" expansion.
 */
export const MAX_YAML_ALIAS_EXPANSION = 100;

/**
 * Most anchors (`&name`) and most aliases (`*name`) in a YAML document. The `yaml` library resolves them in
 * time quadratic in their number, so thousands of them would stall an import for minutes.
 */
export const MAX_YAML_ANCHORS = 1_000;
export const MAX_YAML_ALIASES = 1_000;

/**
 * Most schema values all imported operations may produce together. Every operation carries its own copy of
 * the components it uses, so a document that references a large schema from many operations (or reuses a
 * large parameter, body or path item through `$ref`) multiplies; the OpenAI API needs about 180 000.
 */
export const MAX_OUTPUT_NODES = 3_000_000;
