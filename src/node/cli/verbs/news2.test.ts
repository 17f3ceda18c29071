import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';

const documentedInput = {
  respiratoryRate: 20,
  spo2: 98,
  spo2Scale: 1,
  onOxygen: false,
  systolic: 111,
  pulse: 78,
  consciousness: 'A',
  temperature: 37.0,
};

/** The real command line, as integrators call it. */
async function spawnCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'src/node/cli/main.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function runInProcess(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['news2', ...args], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('news2 verb (spawned)', () => {
  it('prints the documented output for the documented input and exits 0', async () => {
    const result = await spawnCli('news2', JSON.stringify(documentedInput));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      '{"total":0,"risk":"low","scores":{"respiratoryRate":0,"spo2":0,"airOrOxygen":0,"systolic":0,"pulse":0,"consciousness":0,"temperature":0}}\n',
    );
  });

  it('exits 2 with a message on stderr and nothing on stdout when an input is missing', async () => {
    const { temperature: _missing, ...rest } = documentedInput;
    const result = await spawnCli('news2', JSON.stringify(rest));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('temperature is required');
  });
});

describe('news2 verb (in process)', () => {
  it('scores a high-risk set on Scale 2 with oxygen', async () => {
    const input = { ...documentedInput, respiratoryRate: 26, spo2: 97, spo2Scale: 2, onOxygen: true, pulse: 112, consciousness: 'C', temperature: 39.5 };
    const result = await runInProcess(JSON.stringify(input));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      total: 15,
      risk: 'high',
      scores: { respiratoryRate: 3, spo2: 3, airOrOxygen: 2, systolic: 0, pulse: 2, consciousness: 3, temperature: 2 },
    });
  });

  it('reports low-medium for a single 3 with a low total', async () => {
    const result = await runInProcess(JSON.stringify({ ...documentedInput, systolic: 90 }));
    expect(JSON.parse(result.stdout)).toMatchObject({ total: 3, risk: 'low-medium' });
  });

  it.each([
    ['an out-of-range value', JSON.stringify({ ...documentedInput, spo2: 101 }), 'spo2 must be between 0 and 100'],
    ['a wrong type', JSON.stringify({ ...documentedInput, onOxygen: 'no' }), 'onOxygen must be true or false'],
    ['an unknown consciousness level', JSON.stringify({ ...documentedInput, consciousness: 'Z' }), 'consciousness must be one of'],
    ['malformed JSON', '{"respiratoryRate":', 'not valid JSON'],
    ['a JSON array', '[]', 'must be an object'],
    ['an oversized argument', `{"x":"${'a'.repeat(20_000)}"}`, 'longer than'],
  ])('exits 2 on %s', async (_what, argument, message) => {
    const result = await runInProcess(argument);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('exits 2 without an argument or with two', async () => {
    expect((await runInProcess()).code).toBe(2);
    expect((await runInProcess('{}', '{}')).code).toBe(2);
  });

  it('prints help and exits 0', async () => {
    const result = await runInProcess('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run -s cli -- news2/);
  });
});
