import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../../source/adapters/sql-parser.js';
import { lintFile } from '../../../source/domain/lint/lint.js';
import { LINT_RULE_IDS } from '../../../source/domain/lint/rule-ids.js';
import { LINT_RULES } from '../../../source/domain/lint/rules/index.js';

beforeAll(() => loadSqlParser());

describe('the rule registry', () => {
  it('holds one rule for each id, in the order of LINT_RULE_IDS, each complete', () => {
    expect(LINT_RULES.map((rule) => rule.id)).toEqual([...LINT_RULE_IDS]);
    for (const rule of LINT_RULES) {
      expect(['error', 'warning'], rule.id).toContain(rule.severity);
      expect(rule.message, rule.id).not.toContain('\n');
      expect(rule.message.length, rule.id).toBeGreaterThan(10);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
      expect(rule.cases.must.length, `${rule.id} has must cases`).toBeGreaterThan(0);
      expect(rule.cases.mustNot.length, `${rule.id} has must-not cases`).toBeGreaterThan(0);
    }
  });
});

describe.each(LINT_RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
  it.each(rule.cases.must)('reports: %s', (sql) => {
    const findings = lintFile('case.sql', sql);
    expect(findings.filter((finding) => finding.rule === 'syntax-error')).toEqual([]);
    expect(findings.map((finding) => finding.rule)).toContain(id);
    const finding = findings.find((candidate) => candidate.rule === id)!;
    expect(finding).toMatchObject({ file: 'case.sql', severity: rule.severity, fix: rule.fix });
    expect(finding.message).toContain(rule.message);
  });

  it.each(rule.cases.mustNot)('does not report: %s', (sql) => {
    const findings = lintFile('case.sql', sql);
    expect(findings.filter((finding) => finding.rule === 'syntax-error')).toEqual([]);
    expect(findings.map((finding) => finding.rule)).not.toContain(id);
  });
});
