/**
 * Issue 13 item 12: a capture whose delay field is `+99999999999999999999999` made `replay` run
 * forever (at 1e23 virtual ms, adding a driver's 100 ms timeout no longer moves the clock). The
 * delay of one record and the span of the whole capture are bounded; beyond them the replay verb
 * refuses the file at once, as bad input, naming the line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/node/cli/run-cli';

const scratch = mkdtempSync(join(tmpdir(), 'vb-capture-limits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function replay(name: string, text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(scratch, name);
  writeFileSync(file, text);
  let stdout = '';
  let stderr = '';
  const code = await runCli(['replay', file], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

const SCALE = '# vitalbridge-capture 1\n# device: hid-pos-scale\nin 03 04 0b ff 64 01\n';

describe('replay of captures with hostile delays', () => {
  it('refuses a delay of +99999999999999999999999 ms at once with a clear error', { timeout: 30_000 }, async () => {
    const { code, stdout, stderr } = await replay('huge-delay.cap', `${SCALE}+99999999999999999999999 in 03 04 0b ff 64 01\n`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('capture line 4: delay +99999999999999999999999 ms is longer than the 24 hours a record may wait');
  });

  it('refuses a capture whose delays add up to more than a week, each within the limit', { timeout: 30_000 }, async () => {
    const day = '+86400000 in 03 04 0b ff 64 01\n';
    const { code, stderr } = await replay('long-span.cap', SCALE + day.repeat(8));
    expect(code).toBe(2);
    expect(stderr).toContain('capture line 11: the delays add up to more than 7 days');
  });

  it('still replays a capture with a day-long gap', { timeout: 30_000 }, async () => {
    const { code, stdout } = await replay('day-gap.cap', `${SCALE}+86400000 in 03 04 0b ff 65 01\n`);
    expect(code).toBe(0);
    expect(stdout).toContain('"bodyWeight"');
  });
});
