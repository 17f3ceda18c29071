import { describe, expect, it } from 'vitest';
import { ACTIVITY_REPORT_INTERVAL_MS, ActivityReporter } from './activity-reporter';

describe('ActivityReporter', () => {
  it('reports at most once per interval however busy the person is, counting from the sign-in', () => {
    let now = 0;
    let reports = 0;
    const reporter = new ActivityReporter(() => reports++, () => now);
    for (; now < ACTIVITY_REPORT_INTERVAL_MS; now += 100) reporter.activity();
    expect(reports).toBe(0);
    reporter.activity();
    expect(reports).toBe(1);
    for (let until = now + ACTIVITY_REPORT_INTERVAL_MS; now < until; now += 100) reporter.activity();
    expect(reports).toBe(1);
    reporter.activity();
    expect(reports).toBe(2);
  });

  it('stays quiet while nobody touches the screen, then reports the first activity at once', () => {
    let now = 0;
    let reports = 0;
    const reporter = new ActivityReporter(() => reports++, () => now);
    now = 10 * ACTIVITY_REPORT_INTERVAL_MS;
    expect(reports).toBe(0);
    reporter.activity();
    expect(reports).toBe(1);
  });
});
