import { accentOf, DEFAULT_APPEARANCE, textOn } from './appearance';

/** WCAG contrast of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const v = parseInt(hex.slice(1), 16);
    const [r, g, b] = [v >> 16, (v >> 8) & 0xff, v & 0xff].map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('the launcher colours', () => {
  it.each(['#2357d9', '#ffcc00', '#777777', '#767676', '#00ff00', '#000000', '#ffffff', '#e11d48'])(
    'puts text on %s with at least AA contrast (4.5:1)',
    (accent) => {
      expect(contrast(accent, textOn(accent))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('falls back to the default accent for a colour that is not #rrggbb', () => {
    expect(accentOf({ ...DEFAULT_APPEARANCE, accent_color: 'red; background: url(x)' })).toBe(
      DEFAULT_APPEARANCE.accent_color,
    );
    expect(accentOf({ ...DEFAULT_APPEARANCE, accent_color: '#123456' })).toBe('#123456');
  });
});
