/**
 * The station's launch secret stays with the station: browsers send cookies to every port of
 * 127.0.0.1, so anything the station hands the browser to stand in for its token must not reach
 * another local service the same browser visits (here a second server on 127.0.0.1).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, useWebStation } from './fixtures';

const station = useWebStation();

test('another local server visited from the station page never receives the station token or a stand-in for it', async ({ page }) => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const other: Server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>other local service</title><img src="/pixel.png">');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(station.url);
    await expect(page.locator('form[data-screen="sign-in"], [data-screen="enrol"]').first()).toBeVisible();
    const cookies = await page.context().cookies();
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    await expect(page).toHaveTitle('other local service');
    await expect.poll(() => seen.some((request) => request.url === '/pixel.png')).toBe(true);

    const token = new URL(station.url).searchParams.get('token')!;
    const secrets = [token, new URL(station.url).pathname.split('/')[2]!, ...cookies.map((cookie) => cookie.value)];
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const request of seen) {
      expect(request.headers.cookie).toBeUndefined();
      const text = JSON.stringify(request);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
});
