/**
 * Drifted copies of our SDLs, for schema-check tests: each edit is what a vendor's API moving on looks like
 * (a field renamed or removed, an operation removed, a new union member, a new enum value).
 */
import { Kind, parse, print, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type NamedTypeNode } from 'graphql';

type Edit = (doc: DocumentNode) => DocumentNode;
const named = (value: string): NamedTypeNode => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value } });
const fieldDef = (sdl: string): FieldDefinitionNode => (parse(`type X { ${sdl} }`).definitions[0] as unknown as { fields: FieldDefinitionNode[] }).fields[0]!;

function mapDef(doc: DocumentNode, name: string, f: (d: any) => any): DocumentNode {
  let found = false;
  const definitions = doc.definitions.map((d) => {
    if ('name' in d && d.name?.value === name) {
      found = true;
      return f(d);
    }
    return d;
  });
  if (!found) throw new Error(`drift: no type ${name}`);
  return { ...doc, definitions };
}

export const removeField = (type: string, field: string): Edit => (doc) =>
  mapDef(doc, type, (d) => {
    if (!d.fields.some((x: FieldDefinitionNode) => x.name.value === field)) throw new Error(`drift: no field ${type}.${field}`);
    return { ...d, fields: d.fields.filter((x: FieldDefinitionNode) => x.name.value !== field) };
  });
export const addField = (type: string, sdl: string): Edit => (doc) => mapDef(doc, type, (d) => ({ ...d, fields: [...d.fields, fieldDef(sdl)] }));
export const renameField = (type: string, from: string, sdl: string): Edit => (doc) => addField(type, sdl)(removeField(type, from)(doc));
export const addType = (sdl: string): Edit => (doc) => ({ ...doc, definitions: [...doc.definitions, ...(parse(sdl).definitions as DefinitionNode[])] });
export const addUnionMember = (union: string, member: string): Edit => (doc) => mapDef(doc, union, (d) => ({ ...d, types: [...d.types, named(member)] }));
export const addEnumValue = (en: string, value: string): Edit => (doc) =>
  mapDef(doc, en, (d) => ({ ...d, values: [...d.values, { kind: Kind.ENUM_VALUE_DEFINITION, name: { kind: Kind.NAME, value } }] }));

export function drift(sdl: string, ...edits: Edit[]): string {
  return print(edits.reduce((doc, e) => e(doc), parse(sdl)));
}
