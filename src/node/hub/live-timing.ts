/**
 * Wall-clock time for a live device io. Sleeps end early when the io closes, so a driver waiting
 * between keep-alives wakes up, finds the device closed and returns, and closing the hub leaves no
 * timer behind.
 */
export class LiveTiming {
  private readonly sleepers = new Set<() => void>();

  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.sleepers.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
