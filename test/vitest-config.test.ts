/**
 * Every test file in the repository is one vitest runs: a file the include patterns miss (a new
 * extension, a new folder) would pass silently by never running.
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { createVitest } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '..');
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

function testFilesOnDisk(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => TEST_FILE.test(name))
    .map((name) => join(folder, name));
}

it('runs every *.test.* file under src/ and test/, .tsx included', async () => {
  const vitest = await createVitest('test', { root: ROOT, watch: false });
  try {
    const collected = (await vitest.globTestSpecifications()).map((spec) => relative(ROOT, spec.moduleId));
    expect(collected.sort()).toEqual([...testFilesOnDisk('src'), ...testFilesOnDisk('test')].sort());
  } finally {
    await vitest.close();
  }
});
