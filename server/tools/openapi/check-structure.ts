import { ApiImportError } from './api-import-error.ts';
import { MAX_DOCUMENT_NODES, MAX_NESTING_DEPTH } from './limits.ts';

/**
 * Walks parsed data once, without recursion, and rejects what later traversals could not handle: nesting
 * deeper than `MAX_NESTING_DEPTH`, more than `MAX_DOCUMENT_NODES` values (YAML aliases can repeat a large
 * subtree many times) and cycles (a YAML alias inside its own anchor).
 * @throws ApiImportError naming the limit that was exceeded.
 */
export function checkStructure(root: unknown): void {
  // Frames are either a value to enter or, as `exit`, a container whose children are all done.
  const stack: Array<{ value: unknown; depth: number; exit?: true }> = [{ value: root, depth: 0 }];
  const onPath = new Set<object>();
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (frame.exit) {
      onPath.delete(value as object);
      continue;
    }
    nodes += 1;
    if (nodes > MAX_DOCUMENT_NODES) {
      throw new ApiImportError(
        `The document has more than ${MAX_DOCUMENT_NODES} values (YAML aliases count at every use); import a smaller document or expand fewer aliases.`,
      );
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) {
      throw new ApiImportError(
        `The document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep; flatten it or use $ref components.`,
      );
    }
    if (onPath.has(value)) {
      throw new ApiImportError(
        'The document contains a YAML alias inside its own anchor, which makes it infinitely deep; use a $ref instead.',
      );
    }
    onPath.add(value);
    stack.push({ value, depth, exit: true });
    const children = Array.isArray(value) ? value : Object.values(value);
    for (let index = children.length - 1; index >= 0; index -= 1) {
      stack.push({ value: children[index], depth: depth + 1 });
    }
  }
}
