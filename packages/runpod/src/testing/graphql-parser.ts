import { GqlSyntaxError, tokenize, type GqlToken } from './graphql-lexer.ts';

export type GqlValue =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'int' | 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'enum'; readonly value: string }
  | { readonly kind: 'list'; readonly values: readonly GqlValue[] }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, GqlValue> };

export interface GqlField {
  /** The key the result appears under (alias or name). */
  readonly responseKey: string;
  readonly name: string;
  readonly args: ReadonlyMap<string, GqlValue>;
  readonly selections: readonly GqlField[] | undefined;
}

export interface GqlVariableDefinition {
  readonly type: string;
  readonly defaultValue?: GqlValue;
}

export interface GqlOperation {
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly name: string | undefined;
  readonly variables: ReadonlyMap<string, GqlVariableDefinition>;
  readonly selections: readonly GqlField[];
}

/**
 * Parses the executable-document subset clients send for RunPod mutations:
 * named or anonymous operations, variable definitions with defaults, aliases,
 * arguments with every literal kind, nested selection sets. Fragments and
 * directives are refused (clients of this API do not use them).
 */
export function parseDocument(source: string): GqlOperation[] {
  const parser = new Parser(tokenize(source));
  const operations: GqlOperation[] = [];
  while (!parser.atEnd()) operations.push(parser.operation());
  if (operations.length === 0) throw new GqlSyntaxError('Syntax Error: Unexpected <EOF>.');
  return operations;
}

class Parser {
  readonly #tokens: readonly GqlToken[];
  #index = 0;

  constructor(tokens: readonly GqlToken[]) {
    this.#tokens = tokens;
  }

  atEnd(): boolean {
    return this.#peek().kind === 'eof';
  }

  operation(): GqlOperation {
    if (this.#isPunct('{')) return { type: 'query', name: undefined, variables: new Map(), selections: this.#selectionSet() };
    const keyword = this.#name();
    if (keyword === 'fragment') throw new GqlSyntaxError('Fragments are not supported by the RunPod fake.');
    if (keyword !== 'query' && keyword !== 'mutation' && keyword !== 'subscription') {
      throw new GqlSyntaxError(`Syntax Error: Unexpected Name "${keyword}".`);
    }
    const name = this.#peek().kind === 'name' ? this.#name() : undefined;
    const variables = this.#isPunct('(') ? this.#variableDefinitions() : new Map<string, GqlVariableDefinition>();
    this.#refuseDirectives();
    return { type: keyword, name, variables, selections: this.#selectionSet() };
  }

  #variableDefinitions(): Map<string, GqlVariableDefinition> {
    const definitions = new Map<string, GqlVariableDefinition>();
    this.#expect('(');
    while (!this.#isPunct(')')) {
      this.#expect('$');
      const name = this.#name();
      this.#expect(':');
      const type = this.#typeReference();
      const defaultValue = this.#isPunct('=') ? (this.#expect('='), this.#value()) : undefined;
      definitions.set(name, defaultValue === undefined ? { type } : { type, defaultValue });
    }
    this.#expect(')');
    return definitions;
  }

  #typeReference(): string {
    let type: string;
    if (this.#isPunct('[')) {
      this.#expect('[');
      type = `[${this.#typeReference()}]`;
      this.#expect(']');
    } else {
      type = this.#name();
    }
    if (this.#isPunct('!')) {
      this.#expect('!');
      type += '!';
    }
    return type;
  }

  #selectionSet(): GqlField[] {
    const fields: GqlField[] = [];
    this.#expect('{');
    while (!this.#isPunct('}')) {
      if (this.#isPunct('...')) throw new GqlSyntaxError('Fragments are not supported by the RunPod fake.');
      fields.push(this.#field());
    }
    this.#expect('}');
    if (fields.length === 0) throw new GqlSyntaxError('Syntax Error: Expected Name, found "}".');
    return fields;
  }

  #field(): GqlField {
    const responseKey = this.#name();
    let name = responseKey;
    if (this.#isPunct(':')) {
      this.#expect(':');
      name = this.#name();
    }
    const args = new Map<string, GqlValue>();
    if (this.#isPunct('(')) {
      this.#expect('(');
      while (!this.#isPunct(')')) {
        const argName = this.#name();
        this.#expect(':');
        args.set(argName, this.#value());
      }
      this.#expect(')');
    }
    this.#refuseDirectives();
    const selections = this.#isPunct('{') ? this.#selectionSet() : undefined;
    return { responseKey, name, args, selections };
  }

  #value(): GqlValue {
    const token = this.#next();
    switch (token.kind) {
      case 'int':
      case 'float':
        return { kind: token.kind, value: token.value };
      case 'string':
        return { kind: 'string', value: token.value };
      case 'name':
        if (token.value === 'true' || token.value === 'false') return { kind: 'boolean', value: token.value === 'true' };
        if (token.value === 'null') return { kind: 'null' };
        return { kind: 'enum', value: token.value };
      case 'punct':
        return this.#compoundValue(token.value);
      case 'eof':
        throw new GqlSyntaxError('Syntax Error: Unexpected <EOF>.');
    }
  }

  #compoundValue(punct: string): GqlValue {
    if (punct === '$') return { kind: 'variable', name: this.#name() };
    if (punct === '[') {
      const values: GqlValue[] = [];
      while (!this.#isPunct(']')) values.push(this.#value());
      this.#expect(']');
      return { kind: 'list', values };
    }
    if (punct === '{') {
      const fields = new Map<string, GqlValue>();
      while (!this.#isPunct('}')) {
        const name = this.#name();
        if (fields.has(name)) throw new GqlSyntaxError(`There can be only one input field named "${name}".`);
        this.#expect(':');
        fields.set(name, this.#value());
      }
      this.#expect('}');
      return { kind: 'object', fields };
    }
    throw new GqlSyntaxError(`Syntax Error: Unexpected "${punct}".`);
  }

  #refuseDirectives(): void {
    if (this.#isPunct('@')) throw new GqlSyntaxError('Directives are not supported by the RunPod fake.');
  }

  #peek(): GqlToken {
    return this.#tokens[this.#index] ?? { kind: 'eof' };
  }

  #next(): GqlToken {
    const token = this.#peek();
    this.#index++;
    return token;
  }

  #isPunct(value: string): boolean {
    const token = this.#peek();
    return token.kind === 'punct' && token.value === value;
  }

  #expect(value: string): void {
    const token = this.#next();
    if (token.kind !== 'punct' || token.value !== value) {
      throw new GqlSyntaxError(`Syntax Error: Expected "${value}", found ${describe(token)}.`);
    }
  }

  #name(): string {
    const token = this.#next();
    if (token.kind !== 'name') throw new GqlSyntaxError(`Syntax Error: Expected Name, found ${describe(token)}.`);
    return token.value;
  }
}

function describe(token: GqlToken): string {
  if (token.kind === 'eof') return '<EOF>';
  if (token.kind === 'punct') return `"${token.value}"`;
  if (token.kind === 'name') return `Name "${token.value}"`;
  return `${token.kind} ${JSON.stringify(token.value)}`;
}
