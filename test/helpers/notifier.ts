/** The notifier's test harness lives with its bench (npm run bench:notify uses it too). */
export * from '#scripts/bench/notify-harness.js';
