/**
 * Where the first syntax error in JSON text is, as a character offset (the text length for a premature
 * end), or -1 when the text is valid JSON. `JSON.parse` in Node 20 names no position for its most common
 * errors ("Unexpected token"), so after it fails this scanner finds the place to point the user at. It is
 * iterative, so deeply nested input cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  const open: string[] = [];
  let index = 0;
  let expect: 'value' | 'firstValue' | 'key' | 'firstKey' | 'next' = 'value';
  for (;;) {
    index = skipWhitespace(text, index);
    const char = text[index];
    if (expect === 'value' || expect === 'firstValue') {
      if (char === '{' || char === '[') {
        open.push(char);
        index += 1;
        expect = char === '{' ? 'firstKey' : 'firstValue';
        continue;
      }
      if (expect === 'firstValue' && char === ']') {
        open.pop();
        index += 1;
        expect = 'next';
        continue;
      }
      const end = scalarEnd(text, index);
      if (end < 0) return -end - 1;
      index = end;
      expect = 'next';
      continue;
    }
    if (expect === 'key' || expect === 'firstKey') {
      if (expect === 'firstKey' && char === '}') {
        open.pop();
        index += 1;
        expect = 'next';
        continue;
      }
      if (char !== '"') return index;
      const end = stringEnd(text, index);
      if (end < 0) return -end - 1;
      index = skipWhitespace(text, end);
      if (text[index] !== ':') return index;
      index += 1;
      expect = 'value';
      continue;
    }
    const container = open.at(-1);
    if (container === undefined) return index < text.length ? index : -1;
    if (char === ',') {
      index += 1;
      expect = container === '{' ? 'key' : 'value';
    } else if ((char === '}' && container === '{') || (char === ']' && container === '[')) {
      open.pop();
      index += 1;
    } else {
      return index;
    }
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** End offset of the string, number or literal at `start`, or `-(error offset) - 1`. */
function scalarEnd(text: string, start: number): number {
  if (text[start] === '"') return stringEnd(text, start);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  NUMBER.lastIndex = start;
  return NUMBER.test(text) ? NUMBER.lastIndex : -start - 1;
}

function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) return -index - 1;
    if (code === 0x5c) {
      const escaped = text[index + 1];
      if (escaped === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return -index - 1;
        index += 5;
      } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
        index += 1;
      } else {
        return -index - 1;
      }
    }
  }
  return -text.length - 1;
}

function skipWhitespace(text: string, start: number): number {
  let index = start;
  while (index < text.length && ' \t\n\r'.includes(text[index] as string)) index += 1;
  return index;
}
