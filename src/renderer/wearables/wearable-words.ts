/** How the screen speaks of a watch's readings: always with where they come from and how old they are. */

/** "from your watch, 3 h ago": a wearable value is never shown as current. */
export function wearableAgeText(ageMs: number): string {
  const minutes = Math.max(0, Math.floor(ageMs / 60_000));
  if (minutes < 1) return 'from your watch, less than a minute ago';
  if (minutes < 120) return `from your watch, ${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `from your watch, ${hours} h ago`;
  return `from your watch, ${Math.floor(hours / 24)} days ago`;
}

export function importResultText(result: { imported: number; alreadyImported: number; refused: number }): string {
  const filed = result.imported === 1 ? '1 reading' : `${result.imported} readings`;
  const known = result.alreadyImported > 0 ? `; ${result.alreadyImported} were imported before` : '';
  const refused = result.refused > 0 ? `; ${result.refused} impossible values were left out` : '';
  return `Imported ${filed} from the watch${known}${refused}.`;
}
