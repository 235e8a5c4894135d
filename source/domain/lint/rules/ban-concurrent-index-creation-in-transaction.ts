import type { SqlStatement } from '../../statements.js';
import type { LintRule, RuleHit } from '../rule.js';
import { bodyOf, droppedName, statementOf, tableName } from '../tree.js';

/** 'index users_email_idx' when the statement builds or drops an index CONCURRENTLY. */
function concurrentIndexWork(statement: SqlStatement): string | undefined {
  const create = statementOf(statement, 'IndexStmt');
  if (create?.concurrent) return `index ${create.idxname ?? `on ${tableName(create.relation)}`}`;
  const drop = statementOf(statement, 'DropStmt');
  if (drop?.removeType === 'OBJECT_INDEX' && drop.concurrent) return `index ${(drop.objects ?? []).map(droppedName).join(', ')}`;
  const reindex = statementOf(statement, 'ReindexStmt');
  const concurrently = reindex?.params?.some((node) => bodyOf(node, 'DefElem')?.defname === 'concurrently');
  if (reindex && concurrently) return `reindex ${reindex.relation ? tableName(reindex.relation) : (reindex.name ?? '')}`;
  return undefined;
}

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSES = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED', 'TRANS_STMT_PREPARE']);

export const banConcurrentIndexCreationInTransaction: LintRule = {
  id: 'ban-concurrent-index-creation-in-transaction',
  severity: 'error',
  message: 'CONCURRENTLY cannot run inside a transaction block, and this statement would run in one: the deploy would fail',
  fix: 'make -- data:no-transaction the first line of the file (and no BEGIN around the statement); keep such statements in a migration of their own',
  check: (file) => {
    const hits: RuleHit[] = [];
    // data wraps a file without the marker in one transaction; with it, only an explicit BEGIN opens one.
    let inTransaction = !file.noTransaction;
    for (const statement of file.statements) {
      const control = statementOf(statement, 'TransactionStmt');
      if (control && file.noTransaction) {
        if (OPENS.has(control.kind ?? '')) inTransaction = true;
        if (CLOSES.has(control.kind ?? '')) inTransaction = false;
      }
      const work = concurrentIndexWork(statement);
      if (work && inTransaction) hits.push({ statement, subject: work });
    }
    return hits;
  },
  cases: {
    must: [
      'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      'DROP INDEX CONCURRENTLY users_email_idx;',
      'REINDEX (CONCURRENTLY) INDEX users_email_idx;',
      '-- data:no-transaction\nBEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;',
    ],
    mustNot: [
      '-- data:no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      '-- data:no-transaction\nDROP INDEX CONCURRENTLY users_email_idx;',
      '-- data:no-transaction\nBEGIN;\nUPDATE users SET email = lower(email);\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      'CREATE INDEX users_email_idx ON users (email);',
    ],
  },
};
