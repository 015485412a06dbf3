// @ts-check
/**
 * graphql-codegen plugin: emits, per operation, a precompiled OperationDescriptor (minified document,
 * pre-serialized body prefix, result path, union error members, pagination strategy, input bounds)
 * and the typed method tree of the client. Runs at build time so no request ever parses or prints.
 *
 * Config (per vendor, from codegen.ts):
 *   typesImport      module with typescript-operations output, e.g. './graphql.js'
 *   namespaceSuffix  object types that are namespaces (descended into), default 'Namespace'
 *   pageSize         default page size of paginated operations
 *   maxPageSize      documented maximum page size (checked before sending)
 *   minPageSize      documented minimum page size (default 1)
 *   itemsField       { OperationName: 'simList' } where a page's items are not in `items`
 *   bounds           { OperationName: [{ name: 'params.includeIccIds', maxItems: 1000 }] }
 *   split            { OperationName: SplitSpec } a key that splits a nextToken list (see core's SplitSpec)
 *   clientInterface  name of the emitted method-tree interface, e.g. 'WhereverMethods'
 *   scalarChecks     { Long: 'safeInteger', AWSDateTime: 'dateTime' }: how custom scalars are checked before
 *                    sending (kinds in core/src/transport/validate.ts); a custom scalar not listed is any JSON value
 */
const {
  Kind,
  print,
  stripIgnoredCharacters,
  getNamedType,
  isObjectType,
  isUnionType,
  isListType,
  isNonNullType,
  isScalarType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  typeFromAST,
} = require('graphql');

const BUILT_IN_SCALARS = new Set(['String', 'ID', 'Int', 'Float', 'Boolean']);

/**
 * The compact input-type table the runtime validator compiles from: every input object, enum and custom
 * scalar reachable from the operations' variables.
 */
function inputTypeTable(schema, operations, scalarChecks) {
  const inputs = {};
  const enums = {};
  const scalars = {};
  const visit = (type) => {
    const named = getNamedType(type);
    if (isScalarType(named)) {
      if (!BUILT_IN_SCALARS.has(named.name)) scalars[named.name] = scalarChecks[named.name] ?? 'json';
    } else if (isEnumType(named)) {
      enums[named.name] ??= named.getValues().map((v) => v.name);
    } else if (isInputObjectType(named) && !inputs[named.name]) {
      const fields = {};
      inputs[named.name] = fields;
      for (const f of Object.values(named.getFields())) {
        const ref = String(f.type);
        fields[f.name] = isNonNullType(f.type) && f.defaultValue !== undefined ? `?${ref}` : ref;
        visit(f.type);
      }
    }
  };
  for (const op of operations) for (const v of op.variableDefinitions ?? []) visit(typeFromAST(schema, v.type));
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { inputs: sorted(inputs), enums: sorted(enums), scalars: sorted(scalars) };
}

const KIND_SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

function rootType(schema, operation) {
  return operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
}

function collectFragments(documents) {
  const map = new Map();
  for (const file of documents) {
    for (const def of file.document?.definitions ?? []) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  }
  return map;
}

function usedFragments(node, fragments, out = new Set()) {
  const visit = (n) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    if (n.kind === Kind.FRAGMENT_SPREAD && !out.has(n.name.value)) {
      out.add(n.name.value);
      visit(fragments.get(n.name.value));
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') visit(v);
  };
  visit(node);
  return out;
}

function onlyFields(selectionSet) {
  return (selectionSet?.selections ?? []).filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename');
}

/** Whether a selection set selects the field path (through inline fragments and fragment spreads). A connection
 * whose document does not select `edges { node }` (an unattested edge type) is not iterable. */
function selectsPath(set, path, fragments) {
  if (!path.length) return true;
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD && sel.name.value === path[0] && selectsPath(sel.selectionSet, path.slice(1), fragments)) return true;
    if (sel.kind === Kind.INLINE_FRAGMENT && selectsPath(sel.selectionSet, path, fragments)) return true;
    if (sel.kind === Kind.FRAGMENT_SPREAD && selectsPath(fragments.get(sel.name.value)?.selectionSet, path, fragments)) return true;
  }
  return false;
}

/** Variable bound to an argument: `limit: $limit` -> 'limit'; in an object value: `pagination: { offset: $o }`. */
function argVariable(field, argName, objectField) {
  const arg = field.arguments?.find((a) => a.name.value === argName);
  if (!arg) return undefined;
  if (!objectField) return arg.value.kind === Kind.VARIABLE ? arg.value.name.value : undefined;
  if (arg.value.kind !== Kind.OBJECT) return undefined;
  const f = arg.value.fields.find((x) => x.name.value === objectField);
  return f && f.value.kind === Kind.VARIABLE ? f.value.name.value : undefined;
}

function tsScalar(type) {
  const named = getNamedType(type);
  let ts = 'unknown';
  if (isScalarType(named)) ts = { String: 'string', ID: 'string', Int: 'number', Float: 'number', Boolean: 'boolean', Long: 'number' }[named.name] ?? 'string';
  else if (isEnumType(named)) ts = `${named.getValues().map((v) => JSON.stringify(v.value)).join(' | ')} | (string & {})`; // output: values may be added
  else return undefined;
  return isListType(isNonNullType(type) ? type.ofType : type) ? `Array<${ts}>` : ts;
}

/**
 * Documentation interfaces of the output types the operations return: each field carries its SDL
 * description; field types point at other documentation interfaces (core's `Documented` maps the real
 * result types over them, so hovers show the descriptions). Emitted as a type-only namespace.
 */
function docsNamespace(schema, roots) {
  const seen = new Set();
  const out = [];
  const docName = (type) => {
    const named = getNamedType(type);
    if (isUnionType(named)) return named.getTypes().map((t) => visit(t)).join(' | ');
    if (isObjectType(named) || isInterfaceType(named)) return visit(named);
    return 'unknown';
  };
  const jsdoc = (text, indent) => (text ? [`${indent}/**`, ...docText(text).split('\n').map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`] : []);
  function visit(type) {
    if (!seen.has(type.name)) {
      seen.add(type.name);
      const body = [];
      if (isObjectType(type)) body.push(`    __typename: ${JSON.stringify(type.name)};`);
      for (const f of Object.values(type.getFields())) body.push(...jsdoc(f.description, '    '), `    ${f.name}: ${docName(f.type)};`);
      out.push(...jsdoc(type.description, '  '), `  interface ${type.name} {`, ...body, '  }');
    }
    return `SchemaDocs.${type.name}`;
  }
  const rootDocs = roots.map((t) => (t ? docName(t) : 'unknown'));
  return { rootDocs, lines: ['/** The SDL descriptions of the output types, for hovers (types only; see `Documented` in @sdk/core). */', 'export declare namespace SchemaDocs {', ...out, '}', ''] };
}

/** One line of JSDoc text: no comment terminator, whitespace collapsed. */
const docText = (text) => (text ?? '').replace(/\*\//g, '*\\/').trim();

/**
 * JSDoc for a method: the operation field's description from the SDL, then each variable with the
 * description of the argument (or input field) it is bound to.
 */
function methodDoc(op, field, schemaField, schema) {
  const lines = [];
  if (schemaField.description) lines.push(...docText(schemaField.description).split('\n'));
  const described = new Map();
  for (const arg of field.arguments ?? []) {
    const schemaArg = schemaField.args.find((a) => a.name === arg.name.value);
    if (!schemaArg) continue;
    if (arg.value.kind === Kind.VARIABLE) described.set(arg.value.name.value, schemaArg.description);
    else if (arg.value.kind === Kind.OBJECT) {
      const input = getNamedType(schemaArg.type);
      const inputFields = isInputObjectType(input) ? input.getFields() : {};
      for (const f of arg.value.fields) if (f.value.kind === Kind.VARIABLE) described.set(f.value.name.value, inputFields[f.name.value]?.description);
    }
  }
  const vars = (op.variableDefinitions ?? []).map((v) => {
    const name = v.variable.name.value;
    const type = typeFromAST(schema, v.type);
    const desc = described.get(name) ?? getNamedType(type)?.description;
    return `- \`${name}\` (\`${print(v.type)}\`)${desc ? `: ${docText(desc).split('\n')[0]}` : ''}`;
  });
  if (vars.length) lines.push(...(lines.length ? [''] : []), 'Variables:', ...vars);
  lines.push(...(lines.length ? [''] : []), `\`${op.operation} ${op.name.value}\``);
  return lines;
}

module.exports = {
  plugin(schema, documents, config) {
    const suffix = config.namespaceSuffix ?? 'Namespace';
    const fragments = collectFragments(documents);
    const typesImport = config.typesImport ?? './graphql.js';
    const clientInterface = config.clientInterface ?? 'ClientMethods';
    const out = [];
    const typeImports = new Set();
    const entries = [];
    const descriptors = [];
    const docRoots = [];
    const usedConstants = new Set();
    // Error members: union members that carry `errorCode` (the seed's convention for error types).
    const errorTypes = new Map();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isUnionType(type)) continue;
      for (const member of type.getTypes()) if (member.getFields().errorCode) errorTypes.set(member.name, member);
    }

    const operations = documents
      .flatMap((file) => file.document?.definitions ?? [])
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .sort((a, b) => a.name.value.localeCompare(b.name.value));

    for (const op of operations) {
      const name = op.name?.value;
      if (!name) throw new Error('every operation must be named');
      const typeName = name + KIND_SUFFIX[op.operation];
      typeImports.add(typeName).add(`${typeName}Variables`);
      // Walk down through namespace fields to the operation's field.
      let parent = rootType(schema, op.operation);
      let fields = onlyFields(op.selectionSet);
      const path = [];
      let field, schemaField;
      for (;;) {
        if (fields.length !== 1) throw new Error(`${name}: select exactly one field per level (found ${fields.length})`);
        field = fields[0];
        schemaField = parent.getFields()[field.name.value];
        path.push(field.alias?.value ?? field.name.value);
        const named = getNamedType(schemaField.type);
        if (isObjectType(named) && named.name.endsWith(suffix) && field.arguments.length === 0) {
          parent = named;
          fields = onlyFields(field.selectionSet);
          continue;
        }
        break;
      }
      const resultType = getNamedType(schemaField.type);
      const errorTypenames = isUnionType(resultType) ? resultType.getTypes().filter((t) => errorTypes.has(t.name)).map((t) => t.name) : [];
      // With the error members, the success members let the executor refuse a member added after generation.
      const successTypenames = errorTypenames.length ? resultType.getTypes().filter((t) => !errorTypes.has(t.name)).map((t) => t.name) : [];
      // Where the success data lives (for a union: the first non-error member).
      const success = isUnionType(resultType) ? resultType.getTypes().find((t) => !errorTypes.has(t.name)) : resultType;
      const successFields = success && isObjectType(success) ? success.getFields() : {};

      // Pagination: detected from the arguments the operation binds and the shape of the result.
      let pagination;
      const maxPage = config.maxPageSize;
      const sizeBound = (v) => (v ? [{ name: v, min: config.minPageSize ?? 1, ...(maxPage ? { max: maxPage } : {}) }] : []);
      let bounds = [...(config.bounds?.[name] ?? [])];
      const tokenVar = argVariable(field, 'nextToken');
      const afterVar = argVariable(field, 'after');
      const offsetVar = argVariable(field, 'offset') ?? argVariable(field, 'pagination', 'offset');
      const limitVar = argVariable(field, 'limit') ?? argVariable(field, 'pagination', 'limit');
      const pageSize = config.pageSize ?? maxPage;
      if (tokenVar && successFields.nextToken) {
        const items = config.itemsField?.[name] ?? 'items';
        if (!successFields[items]) throw new Error(`${name}: nextToken page without a '${items}' field (set itemsField)`);
        pagination = { style: 'nextToken', items, next: 'nextToken', tokenVar, limitVar, ...(pageSize ? { pageSize } : {}), ...(config.split?.[name] ? { split: config.split[name] } : {}) };
        bounds.push(...sizeBound(limitVar));
      } else if (afterVar && successFields.edges && successFields.pageInfo && selectsPath(field.selectionSet, ['edges', 'node'], fragments)) {
        const firstVar = argVariable(field, 'first');
        pagination = { style: 'cursor', afterVar, firstVar, ...(pageSize ? { pageSize } : {}) };
        bounds.push(...sizeBound(firstVar));
      } else if (offsetVar && limitVar) {
        const list = isListType(isNonNullType(schemaField.type) ? schemaField.type.ofType : schemaField.type);
        const items = list ? '' : (config.itemsField?.[name] ?? 'items');
        pagination = { style: 'offset', items, ...(successFields.count ? { count: 'count' } : {}), offsetVar, limitVar, ...(pageSize ? { pageSize } : {}) };
        bounds.push(...sizeBound(limitVar));
      } else if (limitVar) {
        bounds.push(...sizeBound(limitVar));
      }

      // The document is the minified operation followed by its fragments; each fragment's text is stored once
      // in the table (Totogi's union fragments recur in dozens of operations) and referenced by index.
      const used = [...usedFragments(op, fragments)].sort();
      for (const f of used) usedConstants.add(f);

      // Result type: the data at `path`, stepping through nullable namespaces.
      let resultTs = typeName;
      for (const key of path) resultTs = `NonNullable<${resultTs}>[${JSON.stringify(key)}]`;
      const rawTs = resultTs;
      const errorsTs = errorTypenames.map((t) => JSON.stringify(t)).join(' | ');
      if (errorTypenames.length) resultTs = `Exclude<${rawTs}, { __typename: ${errorsTs} }>`;
      // Field descriptions for hovers and output enums open to new values (Documented); `.result()` adds
      // core's UnknownResultMember for union members added after generation.
      const docTs = `@@DOC${docRoots.push(schemaField.type) - 1}@@`;
      resultTs = `Documented<${resultTs}, ${docTs}>`;
      const unionTs = `Documented<${rawTs}, ${docTs}>`;

      const declared = (op.variableDefinitions ?? []).map((v) => v.variable.name.value);
      const required = (op.variableDefinitions ?? []).filter((v) => v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue).map((v) => v.variable.name.value);
      const variableTypes = Object.fromEntries((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, print(v.type)]));
      const descriptor = {
        name,
        kind: op.operation,
        document: [stripIgnoredCharacters(print(op)), ...used],
        path,
        variables: declared,
        ...(required.length ? { required } : {}),
        ...(errorTypenames.length ? { errorTypenames, successTypenames } : {}),
        ...(pagination ? { pagination } : {}),
        ...(bounds.length ? { bounds } : {}),
        variableTypes,
      };
      const vars = `${typeName}Variables`;
      descriptors.push(descriptor);
      out.push(`  /** \`${op.operation} ${name}\` → \`${path.join('.')}\` */`, `  ${name}: OperationDescriptor<${typeName}, ${vars}, ${resultTs}>;`);

      let methodTs;
      if (op.operation === 'subscription') {
        methodTs = null; // subscriptions are served by the realtime client, not the HTTP method tree
      } else if (pagination) {
        const pageKeys = pagination.style === 'cursor' ? [pagination.afterVar, pagination.firstVar] : pagination.style === 'offset' ? [pagination.offsetVar, pagination.limitVar] : [pagination.tokenVar, pagination.limitVar];
        const pageVars = `PageVariables<${vars}, ${pageKeys.filter(Boolean).map((k) => JSON.stringify(k)).join(' | ')}>`;
        const page = `NonNullable<${resultTs}>`;
        const item =
          pagination.style === 'cursor'
            ? `NonNullable<NonNullable<NonNullable<${page}['edges']>[number]>['node']>`
            : pagination.items === ''
              ? `NonNullable<${page}[number]>`
              : `NonNullable<NonNullable<${page}[${JSON.stringify(pagination.items)}]>[number]>`;
        methodTs = `PaginatedMethod<${vars}, ${resultTs}, ${item}, ${pageVars}>`;
        if (errorTypenames.length) methodTs += ` & UnionMethod<${vars}, ${resultTs}, ${unionTs}>`;
      } else if (errorTypenames.length) {
        methodTs = `UnionMethod<${vars}, ${resultTs}, ${unionTs}>`;
      } else {
        methodTs = `OperationMethod<${vars}, ${resultTs}>`;
      }
      entries.push({ name, path, methodTs, kind: op.operation, union: errorTypenames.length > 0, paginated: Boolean(pagination), doc: methodDoc(op, field, schemaField, schema) });
    }

    // Method tree type: a path prefix that is itself an operation becomes `Method & { children }`.
    const tree = {};
    for (const e of entries.filter((x) => x.methodTs)) {
      let node = tree;
      for (const key of e.path.slice(0, -1)) node = (node[key] ??= { children: {} }).children;
      const leaf = e.path[e.path.length - 1];
      (node[leaf] ??= { children: {} }).method = e;
    }
    const render = (node, indent) => {
      const lines = [];
      for (const [key, value] of Object.entries(node).sort(([a], [b]) => a.localeCompare(b))) {
        const hasChildren = Object.keys(value.children).length > 0;
        const children = hasChildren ? `{\n${render(value.children, indent + '  ')}\n${indent}}` : '';
        const type = value.method ? (hasChildren ? `${value.method.methodTs} & ${children}` : value.method.methodTs) : children;
        if (value.method) lines.push(`${indent}/**`, ...value.method.doc.map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`);
        lines.push(`${indent}readonly ${key}: ${type};`);
      }
      return lines.join('\n');
    };

    const errorMembers = [...errorTypes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const errorMemberTs = errorMembers.map((t) => {
      const fields = Object.values(t.getFields())
        .map((f) => [f.name, tsScalar(f.type)])
        .filter(([, ts]) => ts)
        .map(([n, ts]) => `${n}?: ${ts} | null;`)
        .join(' ');
      return `  ${t.name}: { __typename: ${JSON.stringify(t.name)}; ${fields} };`;
    });

    const header = [
      '/* eslint-disable */',
      '// Generated by tools/codegen/operations-table.cjs from the schema and operations/. Do not edit: run `pnpm codegen`.',
      "import { operationTable } from '@sdk/core';",
      "import type { Documented, OperationDescriptor, OperationMethod, OperationTable, PaginatedMethod, PageVariables, UnionMethod } from '@sdk/core';",
      `import type { ${[...typeImports].sort().join(', ')} } from '${typesImport}';`,
      '',
    ];
    const footer = [
      '/** Every operation (the client builds its methods from the queries and mutations), decoded on first use. */',
      'export const operations: OperationTable<OperationDescriptors> = /* @__PURE__ */ operationTable(OUTLINE, TABLE);',
      '',
      '/** Data and variable types per operation name (used by the testing fakes to type overrides). */',
      `export interface OperationTypes {`,
      ...entries.map((e) => `  ${e.name}: { data: ${e.name}${KIND_SUFFIX[e.kind]}; variables: ${e.name}${KIND_SUFFIX[e.kind]}Variables };`),
      '}',
      '',
      '/** Typenames of the error members of result unions (they carry `errorCode`), from the SDL. */',
      `export const API_ERROR_TYPENAMES = ${JSON.stringify(errorMembers.map((t) => t.name))} as const;`,
      'export type ApiErrorTypename = (typeof API_ERROR_TYPENAMES)[number];',
      '',
      '/** The scalar fields each error member may carry (what is selected depends on the operation). */',
      `export interface ApiErrorMembers {${errorMemberTs.length ? `\n${errorMemberTs.join('\n')}\n` : ''}}`,
      '',
      `/** The client's typed methods, one per operation, at the operation's data path. */`,
      `export interface ${clientInterface} {`,
      render(tree, '  '),
      '}',
      '',
    ];
    // The data of every descriptor as ONE string literal, each operation decoded by core's operationTable on its
    // first use: V8 scans a string far faster than it parses object literals and builds them at import. Queries
    // and mutations come first, subscriptions after them, in OUTLINE's order.
    // TABLE: a line of part boundaries (offsets in TABLE, base 36), then the parts back to back as JSON texts:
    // the input-type table, each fragment's text (stored once), each descriptor but what OUTLINE holds
    // (documents as `[operation text, ...fragment indices]`). So core slices out and parses only the parts an operation needs.
    const fragmentNames = [...usedConstants].sort();
    const fragmentIndex = new Map(fragmentNames.map((f, i) => [f, i]));
    const ordered = [...descriptors.filter((d) => d.kind !== 'subscription'), ...descriptors.filter((d) => d.kind === 'subscription')];
    for (const d of ordered) d.document = [d.document[0], ...d.document.slice(1).map((f) => fragmentIndex.get(f))];
    const parts = [
      JSON.stringify(inputTypeTable(schema, operations, config.scalarChecks ?? {})),
      ...fragmentNames.map((f) => JSON.stringify(stripIgnoredCharacters(print(fragments.get(f))))),
      // name, kind and path are in OUTLINE; variables are variableTypes' keys, in order.
      ...ordered.map(({ name: _name, kind: _kind, path: _path, variables: _variables, ...d }) => JSON.stringify(d)),
    ];
    // The line's length moves the offsets it holds: recompute until they agree.
    let bounds = '';
    for (;;) {
      let at = bounds.length + 1;
      const next = [at, ...parts.map((p) => (at += p.length))].map((n) => n.toString(36)).join(',');
      if (next === bounds) break;
      bounds = next;
    }
    const data = `${bounds}\n${parts.join('')}`;
    const outlined = [...entries.filter((e) => e.kind !== 'subscription'), ...entries.filter((e) => e.kind === 'subscription')];
    outlined.forEach((e, i) => {
      if (ordered[i].name !== e.name) throw new Error(`operation table out of order at ${i}: ${e.name}`);
    });
    const outline = outlined.map((e) => `${e.name} ${e.kind[0]} ${e.path.join('.')}${e.union || e.paginated ? ' ' : ''}${e.union ? 'u' : ''}${e.paginated ? 'p' : ''}`).join(';');
    const quoted = (str) => `'${str.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    const tableConstants = [
      '/** Per operation: `Name kind path flags` (u: union result, p: list); the client builds its methods from this alone. */',
      `const OUTLINE = ${quoted(outline)};`,
      '',
      '/** Input types, fragments (stored once) and each descriptor (document, variables, path, typenames, pagination, bounds) as JSON, sliced out by offset. */',
      `const TABLE = ${quoted(data)};`,
      '',
      '/** The typed descriptor of each operation (`operations.get(name)`). */',
      'export interface OperationDescriptors {',
      ...out,
      '}',
      '',
    ];
    const docs = docsNamespace(schema, docRoots);
    const text = [...header, ...tableConstants, ...footer, ...docs.lines].join('\n');
    return text.replace(/@@DOC(\d+)@@/g, (_, i) => docs.rootDocs[Number(i)]);
  },
};
