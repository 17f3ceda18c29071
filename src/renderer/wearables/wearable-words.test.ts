import { describe, expect, it } from 'vitest';
import { importResultText, wearableAgeText } from './wearable-words';

describe('wearable words', () => {
  it('says where a value comes from and how old it is, in minutes, hours, then days', () => {
    expect(wearableAgeText(30_000)).toBe('from your watch, less than a minute ago');
    expect(wearableAgeText(5 * 60_000)).toBe('from your watch, 5 min ago');
    expect(wearableAgeText(119 * 60_000)).toBe('from your watch, 119 min ago');
    expect(wearableAgeText(3 * 3600_000 + 59 * 60_000)).toBe('from your watch, 3 h ago');
    expect(wearableAgeText(47 * 3600_000)).toBe('from your watch, 47 h ago');
    expect(wearableAgeText(3 * 86_400_000)).toBe('from your watch, 3 days ago');
    // A watch clock ahead of the station's is not "in the future".
    expect(wearableAgeText(-60_000)).toBe('from your watch, less than a minute ago');
  });

  it('reports an import with what was filed, already there and left out', () => {
    expect(importResultText({ imported: 1, alreadyImported: 0, refused: 0 })).toBe('Imported 1 reading from the watch.');
    expect(importResultText({ imported: 0, alreadyImported: 12, refused: 2 })).toBe('Imported 0 readings from the watch; 12 were imported before; 2 impossible values were left out.');
  });
});
