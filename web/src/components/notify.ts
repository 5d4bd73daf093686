import { notifications } from '@mantine/notifications';

/**
 * A toast whose close button has a name (Mantine's has none by default, which
 * axe reports as a critical button-name violation); a failure is red and
 * titled, not told by colour alone.
 */
export function notify(message: string, failure?: { title: string }): void {
  notifications.show({
    message,
    ...(failure ? { color: 'red', title: failure.title } : {}),
    closeButtonProps: { 'aria-label': 'Dismiss notification' },
  });
}
