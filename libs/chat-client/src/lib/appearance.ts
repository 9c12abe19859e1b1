import type { AssistantAppearance } from '@chat/contracts';

/** Until the assistant's description arrives (and if it has none). */
export const DEFAULT_APPEARANCE: AssistantAppearance = {
  title: 'Chat',
  accent_color: '#2357d9',
  launcher_label: 'Chat with us',
  position: 'bottom-right',
};

const HEX = /^#([0-9a-f]{6})$/i;

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const value = parseInt(hex.slice(1), 16);
  const [r, g, b] = [value >> 16, (value >> 8) & 0xff, value & 0xff].map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The text colour on the assistant's accent: black or white, whichever contrasts more. One of
 * them is always at least 4.58:1 (AA for text), whatever colour the business chose.
 */
export function textOn(accent: string): string {
  if (!HEX.test(accent)) return '#ffffff';
  const l = luminance(accent);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

export function accentOf(appearance: AssistantAppearance): string {
  return HEX.test(appearance.accent_color)
    ? appearance.accent_color
    : DEFAULT_APPEARANCE.accent_color;
}
