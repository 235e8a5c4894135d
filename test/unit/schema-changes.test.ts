import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../source/adapters/sql-parser.js';
import { cumulativeChanges, formatChange, schemaChanges, type SchemaChange } from '../../source/domain/schema-changes.js';
import { splitStatements } from '../../source/domain/statements.js';

beforeAll(async () => {
  await loadSqlParser();
});

const changesOf = (sql: string): SchemaChange[] => schemaChanges(splitStatements(sql));
/** The formatted changes of a migration. */
const changes = (sql: string): string[] => changesOf(sql).map(formatChange);
/** The formatted changes marked destructive. */
const destructive = (sql: string): string[] => changesOf(sql).filter((c) => c.destructive).map(formatChange);
/** The formatted net effect of one or more migrations applied in order. */
const net = (...migrations: string[]): string[] => cumulativeChanges(migrations.flatMap(changesOf)).map(formatChange);

describe('schemaChanges: tables', () => {
  it('lists a created table once, without its columns, and leaves out the public schema', () => {
    expect(changes('create table public.users (id bigint primary key, email text not null);')).toEqual(['+ table users']);
    expect(changes('create table app.orgs (id int);')).toEqual(['+ table app.orgs']);
  });

  it('names the parent of a partition, and creates tables from CREATE TABLE AS', () => {
    expect(changes('create table events_2026 partition of events for values in (2026);')).toEqual([
      '+ table events_2026 partition of events',
    ]);
    expect(changes('create table archive as select * from users;')).toEqual(['+ table archive']);
  });

  it('drops every table of one DROP, destructively', () => {
    const sql = 'drop table if exists users, app.orgs;';
    expect(changes(sql)).toEqual(['- table users', '- table app.orgs']);
    expect(destructive(sql)).toEqual(['- table users', '- table app.orgs']);
  });
});

describe('schemaChanges: ALTER TABLE', () => {
  it('adds a column with its type and constraints', () => {
    expect(changes('alter table users add column age integer;')).toEqual(['+ column users.age integer']);
    expect(changes('alter table users add column plan text not null default \'free\' references plans;')).toEqual([
      "+ column users.plan text not null default 'free' references plans",
    ]);
    expect(changes('alter table app.users add column score numeric(10,2)[];')).toEqual(['+ column app.users.score numeric(10, 2)[]']);
  });

  it('gives one change per subcommand', () => {
    expect(
      changes(`alter table users
        drop column email,
        alter column name type varchar(20),
        alter column bio set not null,
        alter column bio drop not null,
        alter column created_at set default now(),
        alter column status drop default;`),
    ).toEqual([
      '- column users.email',
      '~ users.name type varchar(20)',
      '~ users.bio set not null',
      '~ users.bio drop not null',
      '~ users.created_at set default now()',
      '~ users.status drop default',
    ]);
  });

  it('marks dropping a column and changing its type destructive, not NOT NULL or defaults', () => {
    expect(
      destructive(`alter table users drop column email, alter column id type bigint,
        alter column name set not null, alter column name set default 'x';`),
    ).toEqual(['- column users.email', '~ users.id type bigint']);
  });

  it('names added constraints from the tree, or describes unnamed ones', () => {
    expect(
      changes(`alter table users add constraint users_org_fk foreign key (org_id) references orgs (id);
        alter table users add foreign key (org_id) references orgs not valid;
        alter table users add unique (email), add primary key (id), add check (age > 0);`),
    ).toEqual([
      '+ constraint users.users_org_fk foreign key (org_id) references orgs (id)',
      '+ constraint users foreign key (org_id) references orgs not valid',
      '+ constraint users unique (email)',
      '+ constraint users primary key (id)',
      '+ constraint users check (age > 0)',
    ]);
  });

  it('drops a constraint destructively', () => {
    expect(destructive('alter table users drop constraint users_org_fk;')).toEqual(['- constraint users.users_org_fk']);
  });

  it('describes other subcommands in words', () => {
    expect(
      changes(`alter table users enable row level security, validate constraint users_org_fk, owner to app;
        alter table events attach partition events_2027 for values in (2027);`),
    ).toEqual([
      '~ users enable row level security',
      '~ users validate constraint users_org_fk',
      '~ users owner to app',
      '~ events attach partition events_2027',
    ]);
  });
});

describe('schemaChanges: renames', () => {
  it('renames tables and columns destructively, since their callers break', () => {
    const sql = 'alter table users rename to people;\nalter table people rename column email to mail;';
    expect(changes(sql)).toEqual(['~ users rename to people', '~ people.email rename to mail']);
    expect(destructive(sql)).toHaveLength(2);
  });

  it('renames indexes, constraints and triggers without breaking callers', () => {
    const sql = `alter index users_email rename to users_mail;
      alter table users rename constraint a to b;
      alter trigger audit on users rename to audit_users;`;
    expect(changes(sql)).toEqual([
      '~ index users_email rename to users_mail',
      '~ constraint users.a rename to b',
      '~ trigger users.audit rename to audit_users',
    ]);
    expect(destructive(sql)).toEqual([]);
  });

  it('moves a table to another schema', () => {
    expect(changes('alter table users set schema app;')).toEqual(['~ users set schema app']);
  });
});

describe('schemaChanges: indexes', () => {
  it('names an index, or describes an unnamed one', () => {
    expect(changes('create index posts_title_idx on posts (title);')).toEqual(['+ index posts_title_idx on posts (title)']);
    expect(changes('create index on users (email);')).toEqual(['+ index on users (email)']);
    expect(
      changes('create unique index concurrently users_email_idx on app.users using gin (lower(email), id) where deleted_at is null;'),
    ).toEqual(['+ index app.users_email_idx unique on app.users using gin (lower(email), id) where deleted_at is null']);
  });

  it('drops indexes without marking it destructive: no data is lost', () => {
    const sql = 'drop index concurrently if exists posts_title_idx, app.users_email_idx;';
    expect(changes(sql)).toEqual(['- index posts_title_idx', '- index app.users_email_idx']);
    expect(destructive(sql)).toEqual([]);
  });
});

describe('schemaChanges: other objects', () => {
  it('creates, replaces and drops views', () => {
    expect(
      changes(`create view active_users as select * from users;
        create or replace view app.totals as select 1;
        create materialized view stats as select 1;
        refresh materialized view stats;
        drop view active_users, app.totals;`),
    ).toEqual([
      '+ view active_users',
      '~ view app.totals create or replace',
      '+ materialized view stats',
      '~ materialized view stats refresh',
      '- view active_users',
      '- view app.totals',
    ]);
  });

  it('names functions by their input types', () => {
    expect(
      changes(`create function add(a int, b int, out total int) returns int language sql as 'select a + b';
        create or replace procedure tidy() language sql as 'select 1';
        drop function add(int, int), other;`),
    ).toEqual([
      '+ function add(integer, integer) returns integer',
      '~ procedure tidy() create or replace',
      '- function add(integer, integer)',
      '- function other',
    ]);
  });

  it('creates, alters and drops types and domains', () => {
    expect(
      changes(`create type mood as enum ('happy', 'sad');
        alter type mood add value 'calm' after 'happy';
        create type app.point2 as (x int, y int);
        create domain positive as int check (value > 0);
        drop type mood, app.point2;
        drop domain positive;`),
    ).toEqual([
      "+ type mood enum ('happy', 'sad')",
      "~ type mood add value 'calm'",
      '+ type app.point2',
      '+ domain positive integer',
      '- type mood',
      '- type app.point2',
      '- domain positive',
    ]);
  });

  it('lists the objects a CREATE SCHEMA creates inside it', () => {
    expect(changes('create schema billing create table invoices (id int);')).toEqual(['+ schema billing', '+ table billing.invoices']);
  });

  it('creates and drops schemas, extensions, sequences, triggers and policies', () => {
    expect(
      changes(`create schema app;
        create extension if not exists pgcrypto;
        create sequence order_numbers;
        alter sequence order_numbers restart;
        create trigger audit after update on users for each row execute function audit();
        create policy own_rows on users for select using (true);
        drop policy own_rows on users;
        drop trigger audit on users;
        drop sequence order_numbers;
        drop extension pgcrypto;
        drop schema app;`),
    ).toEqual([
      '+ schema app',
      '+ extension pgcrypto',
      '+ sequence order_numbers',
      '~ sequence order_numbers restart',
      '+ trigger users.audit',
      '+ policy users.own_rows for select',
      '- policy users.own_rows',
      '- trigger users.audit',
      '- sequence order_numbers',
      '- extension pgcrypto',
      '- schema app',
    ]);
  });

  it('marks drops destructive when they lose data or cascade', () => {
    expect(
      destructive(`drop view v; drop function f; drop type t; drop sequence s;
        drop schema app cascade; drop type mood cascade;`),
    ).toEqual(['- sequence s', '- schema app', '- type mood']);
  });
});

describe('schemaChanges: data', () => {
  it('lists truncates, deletes, updates and inserts as data changes', () => {
    expect(
      changes(`truncate users, app.orgs;
        delete from sessions;
        delete from users where id = 1;
        update users set plan = 'free';
        update users set plan = 'pro' where id = 2;
        insert into plans (name) values ('free');`),
    ).toEqual([
      '- data users',
      '- data app.orgs',
      '~ data sessions delete all rows',
      '~ data users delete',
      '~ data users update all rows',
      '~ data users update',
      '~ data plans insert',
    ]);
  });

  it('marks truncates and deletes without WHERE destructive', () => {
    expect(
      destructive(`truncate users; delete from sessions; delete from users where id = 1;
        update users set plan = 'free'; insert into plans values (1);`),
    ).toEqual(['- data users', '~ data sessions delete all rows']);
  });
});

describe('schemaChanges: statements it does not model', () => {
  it('names them by their node type instead of dropping them', () => {
    expect(
      changes(`grant select on users to reporting;
        revoke select on users from reporting;
        do $$ begin perform 1; end $$;
        alter domain positive add constraint small check (value < 10);
        select pg_advisory_lock(1);`),
    ).toEqual(['~ grant users', '~ revoke users', '~ do', '~ alter domain', '~ select']);
  });

  it('leaves out transaction control and session settings, which change no schema', () => {
    expect(changes("begin;\nset lock_timeout = '1s';\ncreate table t (id int);\ncommit;")).toEqual(['+ table t']);
  });

  it('gives each change the line of its statement', () => {
    const sql = "-- add users\ncreate table users (id int);\n\nalter table users\n  add column email text,\n  add column age int;\n";
    expect(changesOf(sql).map((c) => [c.line, formatChange(c)])).toEqual([
      [2, '+ table users'],
      [4, '+ column users.email text'],
      [4, '+ column users.age integer'],
    ]);
  });
});

describe('formatChange', () => {
  const change = (fields: Partial<SchemaChange>): SchemaChange => ({
    op: '+',
    kind: 'table',
    object: 'users',
    destructive: false,
    line: 1,
    ...fields,
  });

  it('names the kind, except for changes to a table or column', () => {
    expect(formatChange(change({}))).toBe('+ table users');
    expect(formatChange(change({ op: '-', kind: 'index', object: 'posts_title_idx' }))).toBe('- index posts_title_idx');
    expect(formatChange(change({ kind: 'column', object: 'users.age', detail: 'integer' }))).toBe('+ column users.age integer');
    expect(formatChange(change({ op: '~', kind: 'column', object: 'users.email', detail: 'set not null' }))).toBe(
      '~ users.email set not null',
    );
    expect(formatChange(change({ op: '~', detail: 'rename to people' }))).toBe('~ users rename to people');
    expect(formatChange(change({ op: '~', kind: 'data', detail: 'insert' }))).toBe('~ data users insert');
  });
});

describe('cumulativeChanges', () => {
  it('cancels a table created and dropped in the window, with its indexes, triggers and data', () => {
    expect(
      net(
        `create table scratch (id int);
         create index on scratch (id);
         create trigger t after insert on scratch for each row execute function f();`,
        "insert into scratch values (1);\nalter table scratch add column note text;",
        'drop table scratch;',
      ),
    ).toEqual([]);
  });

  it('folds columns and constraints added to a new table into its creation', () => {
    expect(
      net(
        'create table users (id int);',
        'alter table users add column email text, add constraint users_email_key unique (email);',
        'alter table users drop column email;',
      ),
    ).toEqual(['+ table users']);
  });

  it('keeps a new column new, with the type it ends up with', () => {
    const changes = cumulativeChanges(
      changesOf('alter table users add column age int;\nalter table users alter column age type bigint, alter column age set not null;'),
    );
    expect(changes.map(formatChange)).toEqual(['+ column users.age bigint']);
    expect(changes[0]!.destructive).toBe(false);
  });

  it('follows a rename of something created in the window', () => {
    expect(net('create table users (id int);', 'alter table users rename to people;', 'insert into people values (1);')).toEqual([
      '+ table people',
      '~ data people insert',
    ]);
    expect(net('alter table users add column age int;', 'alter table users rename column age to years;')).toEqual([
      '+ column users.years integer',
    ]);
  });

  it('follows a rename of an existing table in the changes to its members', () => {
    expect(
      net(
        'alter table users add column age int;',
        'alter table users rename to people;',
        'alter table people alter column age type bigint;',
      ),
    ).toEqual(['+ column people.age bigint', '~ users rename to people']);
  });

  it('collapses repeated changes of one property to the last one', () => {
    expect(
      net(
        'alter table users alter column email set not null, alter column email set default \'a\';',
        'alter table users alter column email drop not null;',
        "alter table users alter column email set default 'b';",
      ),
    ).toEqual(["~ users.email drop not null", "~ users.email set default 'b'"]);
  });

  it('keeps changes to different properties and distinct enum values apart', () => {
    expect(net("alter type mood add value 'a';", "alter type mood add value 'b';")).toEqual([
      "~ type mood add value 'a'",
      "~ type mood add value 'b'",
    ]);
  });

  it('keeps drops of things that existed before the window, destructive', () => {
    const changes = cumulativeChanges(changesOf('alter table users alter column email set not null;\nalter table users drop column email;'));
    expect(changes.map(formatChange)).toEqual(['- column users.email']);
    expect(changes[0]!.destructive).toBe(true);
    expect(net('drop index posts_title_idx;', 'drop index if exists posts_title_idx;')).toEqual(['- index posts_title_idx']);
  });

  it('makes earlier changes to a dropped table moot', () => {
    expect(
      net(
        'alter table users add column age int;\ninsert into users values (1);\ncreate index users_age on users (age);',
        'drop table users;',
      ),
    ).toEqual(['- table users']);
  });

  it('turns a drop and a new creation into a change that keeps the drop destructive', () => {
    const changes = cumulativeChanges(changesOf('drop table users;\ncreate table users (id int);'));
    expect(changes.map(formatChange)).toEqual(['~ users recreated']);
    expect(changes[0]!.destructive).toBe(true);
    expect(net('drop index users_email;', 'create index users_email on users (lower(email));')).toEqual([
      '~ index users_email recreated on users (lower(email))',
    ]);
  });

  it('matches functions by name when a drop gives no arguments', () => {
    expect(net("create function f(a int) returns int language sql as 'select 1';", 'drop function f;')).toEqual([]);
    const replaceF = (body: string) => `create or replace function f() returns int language sql as '${body}';`;
    expect(net(replaceF('select 1'), replaceF('select 2'))).toEqual(['~ function f() create or replace']);
  });

  it('keeps a truncate followed by new rows', () => {
    expect(net('insert into plans values (1);', 'truncate plans;', 'insert into plans values (2);')).toEqual([
      '- data plans',
      '~ data plans insert',
    ]);
  });

  it('joins renames in a row, and cancels a rename back', () => {
    expect(net('alter table users rename to people;', 'alter table people rename to persons;')).toEqual(['~ users rename to persons']);
    expect(net('alter table users rename to people;', 'alter table people rename to users;')).toEqual([]);
  });
});
