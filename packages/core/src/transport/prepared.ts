/**
 * Users' own documents: turns a TypedDocumentNode, codegen's TypedDocumentString, gql.tada's document or a
 * plain string into the same OperationDescriptor the generated table holds, once per document. Objects are
 * cached weakly (the document object is the key), strings in a bounded map. Neither `graphql` nor a parser
 * runs: a string is read by a small lexer (comments and strings skipped), a DocumentNode already names its
 * operations and is printed (minified) once by the printer below.
 */
import { ValidationError } from '../errors/index.js';
import type { OperationDescriptor, OperationKind } from './operation.js';

/**
 * Structurally the same as `DocumentTypeDecoration` in `@graphql-typed-document-node/core`, which
 * TypedDocumentNode, codegen's TypedDocumentString and gql.tada documents all carry; no import needed.
 */
export interface DocumentTypeDecoration<TResult = { [key: string]: any }, TVariables = { [key: string]: any }> {
  /** Phantom: never set at runtime. */
  __apiType?: (variables: TVariables) => TResult;
}

/** Anything `client.request` accepts. */
export type DocumentInput = string | DocumentTypeDecoration<any, any>;

/** The `data` type a typed document declares (`unknown` for a plain string). */
export type DocumentResult<D> = D extends DocumentTypeDecoration<infer R, any> ? (unknown extends R ? unknown : R) : unknown;
/** The variables type a typed document declares (any object for a plain string). */
export type DocumentVariables<D> = D extends DocumentTypeDecoration<any, infer V> ? (unknown extends V ? Record<string, unknown> : V) : Record<string, unknown>;

interface OperationInfo {
  name: string | undefined;
  kind: OperationKind;
  variables: string[];
}

interface Prepared {
  /** The document as sent. */
  text: string;
  operations: OperationInfo[];
  /** Descriptors by operation name ('' for the only operation) and by variant (path, pagination). */
  descriptors: Map<string, OperationDescriptor>;
}

const objects = new WeakMap<object, Prepared>();
const strings = new Map<string, Prepared>();
/** Strings are usually module constants; a bound keeps a caller who builds documents per call from growing memory. */
const MAX_STRINGS = 500;

interface AstNode {
  kind: string;
  [key: string]: any;
}

function fail(message: string, operationName?: string): never {
  throw new ValidationError(message, { field: 'document', ...(operationName ? { operationName } : {}) });
}

/** Reads a document once; later calls with the same document object (or string) get the cached result. */
function prepared(document: DocumentInput): Prepared {
  if (typeof document === 'string') {
    let hit = strings.get(document);
    if (!hit) {
      hit = fromString(document);
      if (strings.size >= MAX_STRINGS) strings.delete(strings.keys().next().value!);
      strings.set(document, hit);
    }
    return hit;
  }
  if (document === null || typeof document !== 'object') {
    fail(`request needs a GraphQL document (a string, TypedDocumentString or DocumentNode), got ${document === null ? 'null' : typeof document}`);
  }
  let hit = objects.get(document);
  if (!hit) {
    const node = document as unknown as AstNode;
    hit = node.kind === 'Document' && Array.isArray(node.definitions) ? fromNode(node) : document instanceof String ? fromString(String(document)) : fail('request needs a GraphQL document (a string, TypedDocumentString or DocumentNode); this object is none of them');
    objects.set(document, hit);
  }
  return hit;
}

/**
 * The descriptor for one operation of a document: the base (name, kind, minified text, body prefix,
 * declared variables) plus `variant` fields (path, pagination, error typenames) for a given `key`.
 */
export function prepareOperation(document: DocumentInput, operationName?: string, variant?: { key: string; fields: Partial<OperationDescriptor> }): OperationDescriptor {
  const doc = prepared(document);
  const base = `${operationName ?? ''}`;
  const key = variant ? `${base}\u0000${variant.key}` : base;
  const cached = doc.descriptors.get(key);
  if (cached) return cached;
  let op: OperationInfo | undefined;
  if (operationName !== undefined) {
    op = doc.operations.find((o) => o.name === operationName);
    if (!op) fail(`the document has no operation named ${JSON.stringify(operationName)}; it has ${doc.operations.map((o) => o.name ?? '(anonymous)').join(', ')}`, operationName);
  } else if (doc.operations.length === 1) {
    op = doc.operations[0]!;
  } else {
    fail(doc.operations.length === 0 ? 'the document holds no operation (only fragments?)' : `the document holds ${doc.operations.length} operations; pass options.operationName to choose one (${doc.operations.map((o) => o.name ?? '(anonymous)').join(', ')})`);
  }
  const name = op.name ?? `anonymous ${op.kind}`;
  // Anonymous operations must not send an operationName: build the prefix here instead of bodyPrefixOf.
  const bodyPrefix = `${JSON.stringify(op.name ? { operationName: op.name, query: doc.text } : { query: doc.text }).slice(0, -1)},"variables":`;
  const descriptor: OperationDescriptor = { name, kind: op.kind, document: doc.text, bodyPrefix, path: [], variables: op.variables, ...variant?.fields };
  doc.descriptors.set(key, descriptor);
  return descriptor;
}

// ---- strings: a lexer that finds operations and minifies without parsing ----

const PUNCT = '!$&()...:=@[]{}|';
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);

/** Tokens of a GraphQL document: names, punctuators, numbers and strings (raw); comments and ignored tokens dropped. */
function tokens(source: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 35) {
      // # comment to end of line
      while (i < n && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
      i++;
    } else if (c === 34) {
      const start = i;
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < n && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
        if (i >= n) fail('the document has an unterminated block string');
        i += 3;
      } else {
        i++;
        while (i < n && source[i] !== '"') {
          if (source[i] === '\n' || source[i] === '\r') fail('the document has an unterminated string');
          i += source[i] === '\\' ? 2 : 1;
        }
        if (i >= n) fail('the document has an unterminated string');
        i++;
      }
      out.push(source.slice(start, i));
    } else if (source.startsWith('...', i)) {
      out.push('...');
      i += 3;
    } else if (PUNCT.includes(source[i]!)) {
      out.push(source[i]!);
      i++;
    } else if (isNameStart(c)) {
      const start = i;
      while (i < n && isNameChar(source.charCodeAt(i))) i++;
      out.push(source.slice(start, i));
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n && /[0-9.eE+-]/.test(source[i]!)) i++;
      out.push(source.slice(start, i));
    } else {
      fail(`the document has an unexpected character ${JSON.stringify(source[i])} at offset ${i}`);
    }
  }
  return out;
}

const isWord = (t: string) => isNameChar(t.charCodeAt(t.length - 1)) || t.charCodeAt(0) === 34 || t.charCodeAt(t.length - 1) === 34;

function fromString(source: string): Prepared {
  const toks = tokens(source);
  const operations: OperationInfo[] = [];
  let depth = 0;
  // ( and [ nesting: keywords inside variable definitions, defaults and directive arguments are not operations.
  let nest = 0;
  let text = '';
  let prev = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // A definition starts only at the top, first or right after the previous definition's closing brace.
    if (depth === 0 && nest === 0 && (prev === '' || prev === '}')) {
      if (t === 'query' || t === 'mutation' || t === 'subscription') {
        const info: OperationInfo = { name: undefined, kind: t, variables: [] };
        const next = toks[i + 1];
        if (next !== undefined && isNameStart(next.charCodeAt(0))) info.name = next;
        // Variable definitions: `$name` right after `(` or after a previous definition, up to the matching `)`.
        let j = i + 1 + (info.name ? 1 : 0);
        if (toks[j] === '(') {
          let nest = 0;
          for (j++; j < toks.length; j++) {
            const u = toks[j]!;
            if (u === '(' || u === '[' || u === '{') nest++;
            else if (u === ']' || u === '}') nest--;
            else if (u === ')') {
              if (nest === 0) break;
              nest--;
            } else if (u === '$' && nest === 0 && toks[j + 2] === ':') info.variables.push(toks[j + 1]!);
          }
        }
        operations.push(info);
      } else if (t === '{') {
        operations.push({ name: undefined, kind: 'query', variables: [] }); // shorthand `{ ... }`
      }
    }
    if (t === '{') depth++;
    else if (t === '}') depth--;
    else if (t === '(' || t === '[') nest++;
    else if (t === ')' || t === ']') nest--;
    // One space only where two words would otherwise merge.
    text += prev && isWord(prev) && (isWord(t) || t === '...') ? ' ' + t : t;
    prev = t;
  }
  if (depth !== 0) fail('the document has unbalanced braces');
  return { text, operations, descriptors: new Map() };
}

// ---- DocumentNode: read names from the AST, print once (minified) ----

function fromNode(node: AstNode): Prepared {
  const operations: OperationInfo[] = [];
  for (const def of node.definitions as AstNode[]) {
    if (def.kind === 'OperationDefinition') {
      operations.push({ name: def.name?.value, kind: def.operation, variables: (def.variableDefinitions ?? []).map((v: AstNode) => v.variable.name.value as string) });
    }
  }
  // Printed from the AST, not `loc.source`: a transformed document (added __typename) differs from its source.
  return { text: print(node), operations, descriptors: new Map() };
}

const WORD_END = /[A-Za-z0-9_"]$/;
const WORD_START = /^([A-Za-z0-9_"-]|\.\.\.)/;
/** Joins printed nodes with a space only where two tokens would otherwise merge (as stripIgnoredCharacters does). */
const join = (nodes: readonly AstNode[] | undefined) => {
  let out = '';
  for (const node of nodes ?? []) {
    const part = print(node);
    out += out && WORD_END.test(out) && WORD_START.test(part) ? ' ' + part : part;
  }
  return out;
};
const wrap = (open: string, inner: string, close: string) => (inner ? open + inner + close : '');

/** A minified GraphQL printer for executable documents (the subset `graphql`'s print needs here). */
export function print(n: AstNode): string {
  switch (n.kind) {
    case 'Document':
      return join(n.definitions);
    case 'OperationDefinition': {
      const head = n.operation + (n.name ? ' ' + n.name.value : '') + wrap('(', join(n.variableDefinitions), ')') + join(n.directives);
      return head + print(n.selectionSet);
    }
    case 'VariableDefinition':
      return '$' + n.variable.name.value + ':' + print(n.type) + (n.defaultValue ? '=' + print(n.defaultValue) : '') + join(n.directives);
    case 'SelectionSet':
      return '{' + join(n.selections) + '}';
    case 'Field':
      return (n.alias ? n.alias.value + ':' : '') + n.name.value + wrap('(', join(n.arguments), ')') + join(n.directives) + (n.selectionSet ? print(n.selectionSet) : '');
    case 'Argument':
    case 'FragmentArgument':
    case 'ObjectField':
      return n.name.value + ':' + print(n.value);
    case 'FragmentSpread': // arguments: graphql 17's fragment arguments
      return '...' + n.name.value + wrap('(', join(n.arguments), ')') + join(n.directives);
    case 'InlineFragment':
      return '...' + (n.typeCondition ? 'on ' + n.typeCondition.name.value : '') + join(n.directives) + print(n.selectionSet);
    case 'FragmentDefinition':
      // variableDefinitions: graphql 16's legacy fragment variables, graphql 17's fragment arguments.
      return 'fragment ' + n.name.value + wrap('(', join(n.variableDefinitions), ')') + ' on ' + n.typeCondition.name.value + join(n.directives) + print(n.selectionSet);
    case 'Directive':
      return '@' + n.name.value + wrap('(', join(n.arguments), ')');
    case 'Variable':
      return '$' + n.name.value;
    case 'NamedType':
      return n.name.value;
    case 'ListType':
      return '[' + print(n.type) + ']';
    case 'NonNullType':
      return print(n.type) + '!';
    case 'IntValue':
    case 'FloatValue':
    case 'EnumValue':
      return n.value;
    case 'StringValue':
      return JSON.stringify(n.value);
    case 'BooleanValue':
      return n.value ? 'true' : 'false';
    case 'NullValue':
      return 'null';
    case 'ListValue':
      return '[' + join(n.values) + ']';
    case 'ObjectValue':
      return '{' + join(n.fields) + '}';
    default:
      return fail(`cannot send a document containing a ${String(n.kind)} node`);
  }
}
