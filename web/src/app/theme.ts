// Mantine theme and the color-scheme store (light/dark choice persisted in localStorage).
// Colors are tuned so text passes WCAG AA contrast (axe runs on every screen): darker dimmed text,
// links and filled buttons one shade darker, and "light" variants (badges, alerts) on a paler background.
import {
  createTheme,
  darken,
  localStorageColorSchemeManager,
  type CSSVariablesResolver,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  components: {
    // Close buttons of toasts, dialogs and drawers get a name for screen readers unless one is given.
    // Plain objects, not `Modal.extend(…)`: importing Modal, Drawer and Notification here would put them (and
    // their focus trap, scroll lock and transitions) into the first route's JS (docs/performance.md, section 2).
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } },
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } },
  },
});

/** Colors whose shade 9 is still too light for small text on a pale background. */
const WARM = new Set(['orange', 'yellow', 'lime', 'green', 'teal', 'cyan']);

export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    // Field error text (red 6 is 3.3:1 on white; red 8 passes AA).
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  };
  for (const [name, shades] of Object.entries(t.colors)) {
    if (!shades || shades.length < 10) continue;
    light[`--mantine-color-${name}-light`] = `var(--mantine-color-${name}-0)`;
    light[`--mantine-color-${name}-light-hover`] = `var(--mantine-color-${name}-1)`;
    if (WARM.has(name)) light[`--mantine-color-${name}-light-color`] = darken(shades[9]!, 0.3);
  }
  return {
    variables: {},
    light,
    dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
  };
};

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'flowroute-ops-color-scheme' });
