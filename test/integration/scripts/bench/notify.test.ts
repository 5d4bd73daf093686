import { describe, expect, it } from '@jest/globals';
import { runNotifyBench } from '#scripts/bench/notify.js';

describe('notifier bench (reduced size; npm run bench:notify runs 1,000 simulations for 50 subscriptions)', () => {
  it('delivers every run end once to each subscription (webhook and Slack, alone or in a digest), from duplicated events, within Slack’s per-channel rate', async () => {
    const figures = await runNotifyBench({
      simulations: 40,
      subscriptions: 10,
      owners: 2,
      windowSeconds: 5,
      concurrency: 8,
      // Every run ends within 7 s (5 s, its copy up to 2 s later): at least half of
      // an owner's 20 runs share one 10 s window whatever the machine's pace, so
      // digests are sure. Buffered deliveries wait for their window to close: its
      // length sets the run time.
      digestAbove: 2,
      digestWindowSeconds: 10,
    });
    expect(figures.eventsIn).toBe(80);
    expect(figures.deliveries).toEqual(figures.expectedDeliveries);
    expect(figures.expectedDeliveries).toEqual({ webhook: 160, slack: 40 });
    expect(figures.duplicates).toEqual({ webhook: 0, slack: 0 });
    expect(figures.unverified).toBe(0);
    expect(figures.slackMaxPerChannelPerSecond).toBeLessThanOrEqual(1);
    expect(figures.notificationFailed).toBe(0);
    expect(figures.messages.digests).toBeGreaterThan(0);
    expect(figures.messages.webhook + figures.messages.slack).toBeLessThan(200);
  }, 240_000);
});
