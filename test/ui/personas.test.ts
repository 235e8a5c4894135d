import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllPersonas } from '../../source/adapters/themes.js';
import { personaStressMessages, type MessageKey, type PersonaCatalogue, type PersonaName } from '../../source/domain/personas.js';
import { deploy } from '../../source/engine/deploy.js';
import { databasesForFile } from '../helpers/database.js';
import { KEYS, renderDashboard } from '../helpers/dashboard.js';
import { contextFor, makeProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

let personas: Record<PersonaName, PersonaCatalogue>;
beforeAll(async () => {
  personas = await loadAllPersonas();
});

/** One of the key's variants, with anything in place of its variables, is the whole of `text`. */
const isVariant = (text: string, persona: PersonaCatalogue, key: MessageKey) =>
  persona.messages[key]!.some((template) =>
    new RegExp(`^${template.split(/\{\w+\}/).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`).test(text),
  );

// Friday 13 November 2026, 23:30 UTC: late at night, Friday afternoon and Friday the 13th, in the project's time zone.
const LATE_FRIDAY = new Date('2026-11-13T23:30:00Z');

async function project() {
  const url = (await newDatabase()).url;
  const made = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
  await made.write('.data-prime-directive.yml', 'timezone: UTC\nrules:\n  never_drop_tables_with_data: true\n');
  made.commit('time zone');
  await deploy(contextFor(made), 'dev');
  await made.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
  made.commit('add b');
  return made;
}

describe('the dashboard speaks as the persona', () => {
  it('greets in the footer, warns in the persona\'s words, and says its line after a deploy, facts first', async () => {
    const kirk = personas.kirk;
    const made = await project();
    const ui = await renderDashboard({
      context: contextFor(made, { clock: () => LATE_FRIDAY, stressMessages: personaStressMessages(kirk) }),
      persona: kirk,
    });
    let frame = await ui.waitForFrame(/1 pending/, /environment\(s\); 0 unreachable · Kirk: /);
    const greeting = ui.store.getState().statusLine.split(' · Kirk: ')[1]!;
    expect(isVariant(greeting, kirk, 'greeting')).toBe(true);

    await ui.press('d');
    frame = await ui.waitForFrame('Deploy dev', '1 pending migration(s) will run');
    const warnings = ui.store.getState().warnings;
    expect(warnings).toHaveLength(3);
    expect(isVariant(warnings[0]!, kirk, 'stress.late_night')).toBe(true);
    expect(warnings[0]).toContain('23:30');
    expect(isVariant(warnings[1]!, kirk, 'stress.friday_afternoon')).toBe(true);
    expect(isVariant(warnings[2]!, kirk, 'stress.friday_13th')).toBe(true);
    expect(frame).toContain(`⚠ ${warnings[0]!.slice(0, 40)}`);

    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ deploy #2 of dev succeeded');
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame(/deploy #2 succeeded in \S+ · Kirk: /);
    const [fact, line] = ui.store.getState().statusLine.split(' · Kirk: ');
    expect(fact).toMatch(/^deploy #2 succeeded in \S+$/);
    expect(isVariant(line!, kirk, 'deploy.success')).toBe(true);
  });

  it('in plain mode the footer holds the facts alone', async () => {
    const made = await project();
    const ui = await renderDashboard({ context: contextFor(made, { clock: () => LATE_FRIDAY }), persona: null });
    await ui.waitForFrame(/1 pending/, '2 environment(s); 0 unreachable');
    expect(ui.store.getState().statusLine).toBe('2 environment(s); 0 unreachable');
    await ui.press('d');
    await ui.waitForFrame('Deploy dev', '1 pending migration(s) will run');
    expect(ui.store.getState().warnings[0]).toMatch(/^It is 23:30 local time: late at night/);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ deploy #2 of dev succeeded');
    await ui.press(KEYS.escape);
    await ui.waitForFrame(/deploy #2 succeeded in \S+/);
    expect(ui.store.getState().statusLine).toMatch(/^deploy #2 succeeded in \S+$/);
  });
});
