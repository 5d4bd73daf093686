import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/** Mantine's defaults, with a primary colour whose text passes WCAG AA contrast on white and on dark. */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  // Text on filled colours is black or white, whichever reads (white on dark mode's blue 4 did not: 2.5:1).
  autoContrast: true,
  defaultRadius: 'sm',
});

/**
 * Dimmed text (inputs' descriptions, secondary cells) one shade darker in the
 * light scheme: Mantine's gray 6 on white is 3.3:1, under WCAG AA's 4.5:1
 * (axe-core's color-contrast); gray 7 is 7:1. Pass to MantineProvider.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
