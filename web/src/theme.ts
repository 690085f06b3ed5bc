// Mantine's defaults with one accent: Plex amber (#e5a00d) as a ten-shade primary palette.
// Text on light backgrounds uses darker shades so it keeps a readable contrast.
import {
  type CSSVariablesResolver,
  createTheme,
  type MantineColorsTuple,
  type MantineThemeOverride,
  mergeThemeOverrides,
} from "@mantine/core";

export const amber: MantineColorsTuple = [
  "#fff8e1",
  "#ffecb8",
  "#fedd85",
  "#fccb4f",
  "#f4b82a",
  "#e5a00d",
  "#c98a07",
  "#a06c04",
  "#7a5203",
  "#573a02",
];

export const theme = createTheme({
  primaryColor: "amber",
  colors: { amber },
  // Amber buttons carry dark text (as in Plex): shade 5 with black text is well above 4.5:1.
  primaryShade: { light: 5, dark: 5 },
  autoContrast: true,
  luminanceThreshold: 0.3,
  defaultRadius: "sm",
  cursorType: "pointer",
  fontFamily:
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
  components: {
    Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: "sm", fz: "sm" } },
  },
});

/**
 * The theme in the reader's language: toasts get a named close button (Mantine's own has only
 * an icon, which a screen reader announces as "button").
 */
export function themeFor(closeLabel: string): MantineThemeOverride {
  return mergeThemeOverrides(theme, {
    components: { Notification: { defaultProps: { closeButtonProps: { "aria-label": closeLabel } } } },
  });
}

const TEXT_COLORS = [
  "amber",
  "red",
  "green",
  "yellow",
  "orange",
  "blue",
  "cyan",
  "grape",
  "gray",
  "teal",
  "violet",
];

export const cssVariablesResolver: CSSVariablesResolver = () => {
  const light: Record<string, string> = {
    "--mantine-color-anchor": "var(--mantine-color-amber-9)",
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
  };
  // Badges and alerts in the "light" variant: darker text than Mantine's default on pale tints.
  for (const c of TEXT_COLORS) {
    light[`--mantine-color-${c}-light-color`] = `color-mix(in srgb, var(--mantine-color-${c}-9) 78%, black)`;
    light[`--mantine-color-${c}-text`] = `color-mix(in srgb, var(--mantine-color-${c}-9) 85%, black)`;
    light[`--mantine-color-${c}-outline`] = `color-mix(in srgb, var(--mantine-color-${c}-9) 85%, black)`;
  }
  // Mantine's dark "dimmed" (dark-2) is below 4.5:1 on dark cards; dark-1 reads well.
  const dark: Record<string, string> = { "--mantine-color-dimmed": "var(--mantine-color-dark-1)" };
  return { variables: {}, light, dark };
};
