// @ts-check
/**
 * graphql-codegen plugin: the files each vendor package ships for users' own tooling (graphql-codegen's
 * client preset, gql.tada, editors, linters): `schema.graphql` (the SDL with its descriptions) and
 * `introspection.json` (a standard introspection result). Config: `{ format: 'sdl' | 'introspection' }`.
 */
const { printSchema, introspectionFromSchema, lexicographicSortSchema } = require('graphql');

module.exports = {
  plugin(schema, _documents, config) {
    const sorted = lexicographicSortSchema(schema);
    if (config.format === 'introspection') return JSON.stringify(introspectionFromSchema(sorted, { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true })) + '\n';
    return ['# Generated from schema/ by `pnpm codegen` and shipped as this package\'s schema.graphql. Do not edit: edit schema/.', '', printSchema(schema), ''].join('\n');
  },
};
