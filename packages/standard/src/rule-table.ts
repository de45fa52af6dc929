/**
 * The rule table as Markdown: what `lienthong-validate --rules` prints and what docs/standard.md carries under "Every
 * rule and its level" (rule-levels.test.ts keeps the two identical), so the documented levels are the code's.
 */
import { packetKinds, schemaIdOfKind } from './packet-kinds.js';
import { packetGroups, standardRules, type StandardRule } from './rule-levels.js';
import { schemaIds } from './schema-ids.js';

const allIds = Object.values(schemaIds) as string[];
const nationalIds = allIds.filter((id) => !(packetGroups.events.ids as readonly string[]).includes(id));
const labelled: readonly { label: string; ids: readonly string[] }[] = [
  { label: 'national packets', ids: nationalIds },
  ...Object.values(packetGroups),
];
const kindOf = new Map<string, string>(packetKinds.map((k) => [schemaIdOfKind(k), k]));

/** The packets a rule applies in, by group name where a whole group is covered, else by packet kind. */
export function describePackets(schemas: readonly string[] | undefined): string {
  if (schemas === undefined) return 'all';
  const left = new Set(schemas);
  const parts: string[] = [];
  for (const g of labelled) {
    if (g.ids.length > 0 && g.ids.every((id) => left.has(id))) {
      parts.push(g.label);
      g.ids.forEach((id) => left.delete(id));
    }
  }
  for (const id of left) parts.push(`\`${kindOf.get(id) ?? id}\``);
  return parts.join(', ');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const list = (xs: readonly string[] | undefined) => (xs === undefined ? 'any' : xs.map((x) => `\`${x}\``).join(', '));

/** One row of the table. */
export function ruleRow(r: StandardRule, n: number): string {
  const level = r.level === 'error' ? 'refuses' : 'warns';
  return `| ${n} | \`${r.id}\` | ${level} | ${list(r.codes)} | ${list(r.fields)} | ${describePackets(r.schemas)} | ${cell(r.basis)} |`;
}

/** The whole table, one row per rule in the order they are tried. */
export function renderRuleTable(): string {
  return [
    '| # | Rule | Level | Codes | Fields | Packets | Source / why |',
    '| - | ---- | ----- | ----- | ------ | ------- | ------------ |',
    ...standardRules.map((r, i) => ruleRow(r, i + 1)),
  ].join('\n');
}
