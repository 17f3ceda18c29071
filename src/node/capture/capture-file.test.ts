import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureFileError, readCaptureFile } from './capture-file';
import { CaptureFormatError, parseCapture } from './format';

const capturesDir = join(import.meta.dirname, '../../../resources/captures');
const scratch = mkdtempSync(join(tmpdir(), 'vb-capture-file-'));

describe('readCaptureFile (parsed line by line as the file streams in)', () => {
  it.each(readdirSync(capturesDir).filter((name) => name.endsWith('.cap')))('reads %s exactly as parsing its whole text does', async (name) => {
    const file = join(capturesDir, name);
    expect(await readCaptureFile(file)).toEqual(parseCapture(readFileSync(file, 'utf8')));
  });

  it('reads CRLF line ends and a byte-order mark like the whole-text parser', async () => {
    const text = '\uFEFF# vitalbridge-capture 1\r\n# device: x\r\n+16 in 01 02\r\nout 03\r\n# last\r\n';
    const file = join(scratch, 'crlf.cap');
    writeFileSync(file, text);
    expect(await readCaptureFile(file)).toEqual(parseCapture(text));
  });

  it('names the line of a malformed record, and refuses an empty file for its missing first line', async () => {
    writeFileSync(join(scratch, 'bad.cap'), '# vitalbridge-capture 1\nin 01\nin 0\n');
    await expect(readCaptureFile(join(scratch, 'bad.cap'))).rejects.toThrow(new CaptureFormatError(3, 'bytes must be two hex digits each, separated by single spaces'));
    writeFileSync(join(scratch, 'empty.cap'), '');
    await expect(readCaptureFile(join(scratch, 'empty.cap'))).rejects.toThrow(/capture line 1: expected "# vitalbridge-capture 1"/);
  });

  it('refuses a folder or a missing file as a file error', async () => {
    await expect(readCaptureFile(scratch)).rejects.toThrow(CaptureFileError);
    await expect(readCaptureFile(join(scratch, 'none.cap'))).rejects.toThrow(/ENOENT/);
  });
});
