import {
  APP_ID,
  DOCUMENT,
  inject,
  Injectable,
  type OnDestroy,
  PLATFORM_ID,
  type Provider,
  ɵSHARED_STYLES_HOST as SHARED_STYLES_HOST,
} from '@angular/core';
import { ɵSharedStylesHost as SharedStylesHost } from '@angular/platform-browser';

/**
 * Angular's styles as constructable stylesheets adopted by the widget's shadow roots, instead of
 * the `<style>` elements Angular writes by default: a host page's CSP without
 * `'unsafe-inline'` in `style-src` blocks `<style>` elements but not adopted sheets, and nothing
 * is written into the host page's `<head>`.
 *
 * The one adapter over a framework internal (`ɵSharedStylesHost`, checked against
 * @angular/platform-browser 22.2, where the renderer injects it as @angular/core's
 * `ɵSHARED_STYLES_HOST`): the renderer hands every component's styles to `addStyles`
 * and every shadow root it creates to `addHost`. The ShadowDom component itself must have no
 * styles of its own (those are written as `<style>` by the renderer directly): its styles belong
 * to the `ViewEncapsulation.None` panel inside it, whose `:host` rules reach the shadow host.
 */
@Injectable()
export class AdoptedStylesHost extends SharedStylesHost implements OnDestroy {
  private readonly sheets = new Map<string, { sheet: CSSStyleSheet; usage: number }>();
  private readonly roots = new Set<ShadowRoot>();

  constructor() {
    super(inject(DOCUMENT), inject(APP_ID), null, inject(PLATFORM_ID));
  }

  override addStyles(styles: string[]): void {
    for (const css of styles) {
      const record = this.sheets.get(css);
      if (record) {
        record.usage++;
        continue;
      }
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(remsAsPixels(css));
      this.sheets.set(css, { sheet, usage: 1 });
    }
    this.adopt();
  }

  override removeStyles(styles: string[]): void {
    for (const css of styles) {
      const record = this.sheets.get(css);
      if (record && --record.usage <= 0) this.sheets.delete(css);
    }
    this.adopt();
  }

  /** Only shadow roots get styles: the host page's document is not ours to style. */
  override addHost(host: Node): void {
    if (!(host instanceof ShadowRoot)) return;
    this.roots.add(host);
    this.adopt();
  }

  override removeHost(host: Node): void {
    if (host instanceof ShadowRoot) this.roots.delete(host);
  }

  override ngOnDestroy(): void {
    for (const root of this.roots) root.adoptedStyleSheets = [];
    this.roots.clear();
    this.sheets.clear();
  }

  private adopt(): void {
    const sheets = Array.from(this.sheets.values(), (record) => record.sheet);
    for (const root of this.roots) root.adoptedStyleSheets = sheets;
  }
}

/**
 * `rem` inside a shadow root is the host page's root font size, which the host may set to
 * anything (a hostile `html { font-size: 40px }` included): the widget's rems, its own and the
 * shared chat components', are read as 16 px.
 */
function remsAsPixels(css: string): string {
  return css.replace(/(\d*\.?\d+)rem\b/g, (_, value: string) => `${parseFloat(value) * 16}px`);
}

export function provideAdoptedStyles(): Provider {
  return [
    { provide: SHARED_STYLES_HOST, useClass: AdoptedStylesHost },
    { provide: SharedStylesHost, useExisting: SHARED_STYLES_HOST },
  ];
}
