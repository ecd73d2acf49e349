/** The drawings are valid Mermaid: mermaid itself (npm) renders them in Debian's chromium. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHARTS, drawing } from '../../scripts/charts';
import { launchBrowser, screenshot } from '../support/browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the Mermaid drawings of the charts', () => {
  it.each(CHARTS.map((c) => c.name))('%s renders as an SVG with every state', async (name) => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body><div id="chart"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const svg = await page.evaluate(async (text) => {
      const { mermaid } = window as unknown as {
        mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> };
      };
      mermaid.initialize({ startOnLoad: false });
      const { svg } = await mermaid.render('chart-svg', text);
      document.getElementById('chart')!.innerHTML = svg;
      return svg;
    }, drawing(name));
    expect(svg).toContain('<svg');
    for (const status of ['AWAITING_APPROVAL', 'CANCELLED', 'EXPIRED']) expect(svg).toContain(status);
    await screenshot(page, `chart-${name}`);
    await page.close();
  });
});
