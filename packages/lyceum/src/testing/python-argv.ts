/**
 * Reads the argv a client injected into Python code. Lyceum has no args
 * field, so clients prepend `import sys; sys.argv = [<file>, ...args]`; the
 * fake echoes that list so tests can see what the client sent.
 * Returns null when there is no such assignment or it is not a plain list of
 * string literals.
 */
export function parseInjectedArgv(code: string): string[] | null {
  const start = /sys\.argv\s*=\s*\[/.exec(code);
  if (!start) return null;
  const items: string[] = [];
  let position = start.index + start[0].length;
  let expectItem = true;
  while (position < code.length) {
    const char = code[position] as string;
    if (char === ' ' || char === '\t') {
      position += 1;
    } else if (char === ']') {
      return items;
    } else if (char === ',' && !expectItem) {
      expectItem = true;
      position += 1;
    } else if ((char === '"' || char === "'") && expectItem) {
      const literal = readStringLiteral(code, position);
      if (!literal) return null;
      items.push(literal.value);
      position = literal.end;
      expectItem = false;
    } else {
      return null;
    }
  }
  return null;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

/** A single-line Python (or JSON) string literal starting at `start`. */
function readStringLiteral(code: string, start: number): { value: string; end: number } | null {
  const quote = code[start];
  let value = '';
  let position = start + 1;
  while (position < code.length) {
    const char = code[position] as string;
    if (char === quote) return { value, end: position + 1 };
    if (char === '\n') return null;
    if (char !== '\\') {
      value += char;
      position += 1;
      continue;
    }
    const next = code[position + 1] ?? '';
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = code.slice(position + 2, position + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) return null;
      value += String.fromCodePoint(Number.parseInt(hex, 16));
      position += 2 + hexLength;
    } else {
      value += SIMPLE_ESCAPES[next] ?? `\\${next}`;
      position += 2;
    }
  }
  return null;
}
