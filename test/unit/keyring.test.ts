import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKeyring } from '../../source/adapters/keyring.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'data-keyring-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A `secret-tool` that answers like one without a secret service behind it. */
async function secretToolThatFails(): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const file = join(bin, 'secret-tool');
  await writeFile(file, '#!/bin/sh\necho "secret-tool: The name org.freedesktop.secrets was not provided by any .service files" >&2\nexit 1\n');
  await chmod(file, 0o755);
  return bin;
}

describe.runIf(process.platform === 'linux')('findKeyring: a usable keyring, found without installing anything', () => {
  it('says when secret-tool is not installed', async () => {
    const status = await findKeyring({ PATH: join(dir, 'empty') });
    expect(status).toEqual({ available: false, reason: 'no OS keyring here: secret-tool (libsecret) is not installed' });
  });

  it('says when there is no D-Bus session', async () => {
    const status = await findKeyring({ PATH: await secretToolThatFails() });
    expect(status.available).toBe(false);
    expect(!status.available && status.reason).toContain('no D-Bus session');
  });

  it('says when secret-tool cannot reach a keyring', async () => {
    const status = await findKeyring({ PATH: await secretToolThatFails(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
    expect(status.available).toBe(false);
    expect(!status.available && status.reason).toContain('cannot reach one (secret-tool: The name org.freedesktop.secrets was not provided');
  });
});
