#!/usr/bin/env node
// Prints, per vendor, how the SDL's inferred object/interface types (description marked `Inferred`) and all
// fields are backed, from schema/attestation.json. `node tools/evidence/summary.mjs`
import { readFileSync } from 'node:fs';
import { buildSchema, isInterfaceType, isObjectType } from 'graphql';

for (const vendor of ['wherever', 'totogi', 'myphone']) {
  const dir = `packages/${vendor}/schema`;
  const schema = buildSchema(readFileSync(`${dir}/schema.graphql`, 'utf8'));
  const { fields } = JSON.parse(readFileSync(`${dir}/attestation.json`, 'utf8'));
  const clientIds = new Set(Object.values(fields).flat().filter((s) => s !== 'seed' && !s.includes('@') && s !== 'api-evangelist/totogi'));
  const strongest = (list) => (!list.length ? 'nothing' : list.includes('seed') ? 'seed' : list.some((s) => clientIds.has(s)) ? 'real client' : 'later reference');
  const typeCounts = { seed: 0, 'real client': 0, 'later reference': 0, 'partly nothing': 0, nothing: 0 };
  const fieldCounts = { seed: 0, 'real client': 0, 'later reference': 0, nothing: 0 };
  for (const v of Object.values(fields)) fieldCounts[strongest(v)]++;
  const order = ['seed', 'real client', 'later reference'];
  let inferred = 0;
  const weak = [];
  const confirmed = Object.values(fields).filter((v) => v.some((s) => clientIds.has(s))).length;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__') || !/Inferred/.test(type.description ?? '')) continue;
    inferred++;
    const kinds = Object.keys(type.getFields()).map((f) => strongest(fields[`${type.name}.${f}`] ?? []));
    if (kinds.every((k) => k === 'nothing')) {
      typeCounts.nothing++;
      weak.push(type.name);
    } else if (kinds.includes('nothing')) {
      typeCounts['partly nothing']++;
      weak.push(`${type.name} (partly)`);
    }
    else typeCounts[order[Math.max(...kinds.map((k) => order.indexOf(k)))]]++;
  }
  console.log(`${vendor}: ${inferred} inferred object/interface types, weakest field decides:`, typeCounts, '| all fields, strongest source:', fieldCounts, `| fields a real client selects: ${confirmed}`, weak.length ? `| unattested: ${weak.join(', ')}` : '');
}
