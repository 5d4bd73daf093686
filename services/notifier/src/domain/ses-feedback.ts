/**
 * SES bounce and complaint notifications (through the configuration set's SNS
 * topic): a permanent bounce or a complaint suppresses the address, so the
 * notifier never mails it again (a transient bounce does not).
 */
import type { SuppressionList } from './ports.js';

interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
}

/** The addresses to suppress, with why; none for anything else (deliveries, transient bounces, unknown shapes). */
export function addressesToSuppress(message: string): { address: string; reason: string }[] {
  let event: SesEvent;
  try {
    event = JSON.parse(message) as SesEvent;
  } catch {
    return [];
  }
  const type = event.eventType ?? event.notificationType;
  if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    return (event.bounce.bouncedRecipients ?? [])
      .map((r) => r.emailAddress)
      .filter((a): a is string => typeof a === 'string' && a !== '')
      .map((address) => ({ address, reason: 'permanent bounce' }));
  }
  if (type === 'Complaint') {
    return (event.complaint?.complainedRecipients ?? [])
      .map((r) => r.emailAddress)
      .filter((a): a is string => typeof a === 'string' && a !== '')
      .map((address) => ({ address, reason: 'complaint' }));
  }
  return [];
}

export async function recordSesFeedback(
  suppressions: SuppressionList,
  messages: readonly string[],
  now: Date,
): Promise<number> {
  let suppressed = 0;
  for (const message of messages) {
    for (const { address, reason } of addressesToSuppress(message)) {
      await suppressions.suppress(address, reason, now);
      suppressed += 1;
    }
  }
  return suppressed;
}
