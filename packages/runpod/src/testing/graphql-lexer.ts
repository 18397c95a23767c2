export type GqlToken =
  | { readonly kind: 'punct'; readonly value: string }
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'int' | 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'eof' };

export class GqlSyntaxError extends Error {
  override readonly name = 'GqlSyntaxError';
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Splits a GraphQL document into tokens; commas are insignificant, as in the GraphQL spec. */
export function tokenize(source: string): GqlToken[] {
  const tokens: GqlToken[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/[\s,\uFEFF]/.test(char)) {
      i++;
    } else if (char === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...' });
      i += 3;
    } else if ('{}()[]:!$=@|&'.includes(char)) {
      tokens.push({ kind: 'punct', value: char });
      i++;
    } else if (/[_A-Za-z]/.test(char)) {
      const match = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i))?.[0] ?? char;
      tokens.push({ kind: 'name', value: match });
      i += match.length;
    } else if (/[-\d]/.test(char)) {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i))?.[0];
      if (!match) throw new GqlSyntaxError(`Syntax Error: Invalid number at position ${i}.`);
      tokens.push({ kind: /[.eE]/.test(match) ? 'float' : 'int', value: Number(match) });
      i += match.length;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GqlSyntaxError('Syntax Error: Unterminated string.');
      tokens.push({ kind: 'string', value: source.slice(i + 3, end) });
      i = end + 3;
    } else if (char === '"') {
      const [value, next] = readString(source, i + 1);
      tokens.push({ kind: 'string', value });
      i = next;
    } else {
      throw new GqlSyntaxError(`Syntax Error: Unexpected character "${char}" at position ${i}.`);
    }
  }
  tokens.push({ kind: 'eof' });
  return tokens;
}

function readString(source: string, start: number): [string, number] {
  let value = '';
  let i = start;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (char === '"') return [value, i + 1];
    if (char === '\n') break;
    if (char === '\\') {
      const escape = source[i + 1] ?? '';
      if (escape === 'u') {
        const hex = source.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new GqlSyntaxError('Syntax Error: Invalid unicode escape.');
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const decoded = ESCAPES[escape];
      if (decoded === undefined) throw new GqlSyntaxError(`Syntax Error: Invalid escape "\\${escape}".`);
      value += decoded;
      i += 2;
      continue;
    }
    value += char;
    i++;
  }
  throw new GqlSyntaxError('Syntax Error: Unterminated string.');
}
