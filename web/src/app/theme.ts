import { createTheme } from '@mantine/core';

/** Mantine's defaults, with a primary colour whose text passes WCAG AA contrast on white and on dark. */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  defaultRadius: 'sm',
});
