import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hardwareDrivers } from '../drivers/registry';
import { hex4 } from './node-hid-source';
import { UDEV_RULE_PATH } from './guidance';

const rules = readFileSync(new URL(`../../../${UDEV_RULE_PATH}`, import.meta.url), 'utf8');
const ruleLines = rules.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

function ruleFor(subsystem: string, vendorId: number, productId: number): string | undefined {
  return ruleLines.find((line) => line.includes(`SUBSYSTEM=="${subsystem}"`) && line.includes(`ATTRS{idVendor}=="${hex4(vendorId)}"`) && line.includes(`ATTRS{idProduct}=="${hex4(productId)}"`));
}

describe('the udev rule the error messages point to', () => {
  it('grants access to the node every shipped driver opens', () => {
    expect(hardwareDrivers.length).toBeGreaterThan(0);
    for (const manifest of hardwareDrivers) {
      for (const match of manifest.matches) {
        if (match.productId === undefined) continue;
        const rule = ruleFor(manifest.transport === 'serial' ? 'tty' : 'hidraw', match.vendorId, match.productId);
        expect(rule, `${manifest.id} ${hex4(match.vendorId)}:${hex4(match.productId)}`).toBeDefined();
        expect(rule).toContain('TAG+="uaccess"');
        expect(rule).toContain('MODE="0660"');
      }
    }
  });

  it('covers every device ID of device-protocols.md section 8, in lower-case hex', () => {
    const documented = ['0590:0028', '0590:0090', '0c45:7406', '28e9:028a', '0922:8003', '0922:8004', '0922:8009', '1446:6a73', '1446:6a79', '7b7c:0100', '2474:0550', '2474:3550', '0eb8:f000', '0eb8:f001', '6096:0158', '0b67:555e', '0d8f:0200', '1a79:6002', '1a79:6200', '1a79:6210', '1a79:6300', '1a79:7350', '1a79:7410', '1a79:7800', '1a79:7900', '1a79:7950', '1a61:3650', '1a61:3670', '1a61:3950', '1a61:3850', '1a61:3460'];
    for (const id of documented) {
      const [vendor = '', product = ''] = id.split(':');
      expect(ruleFor('hidraw', Number.parseInt(vendor, 16), Number.parseInt(product, 16)), id).toBeDefined();
    }
    expect(ruleFor('tty', 0x10c4, 0xea60)).toContain('ENV{ID_MM_DEVICE_IGNORE}="1"');
    const ids = [...rules.matchAll(/ATTRS\{id(?:Vendor|Product)\}=="([^"]*)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(documented.length * 2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{4}$/);
  });
});
