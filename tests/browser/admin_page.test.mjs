// storehub's /admin page in Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// A real storehub and a real storeedged on loopback ports; the data comes through the real APIs:
// the ERP loads a product through the channel API, the till pulls it and sells it (a node with a
// last mutation and an apply lag), the web shop places a pickup order whose id carries markup, then
// cancels it while the till is offline, and the offline till marks it ready and hands it over. When
// the till reconnects the hub quarantines "ready" (cancelled orders cannot become ready) and flags
// the collection for review. The page must refuse a browser without the admin key, show all of
// that with it, and render the markup as text that never runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Daemon, eventually, expectStatus, request, runTool } from './support/programs.mjs';

const kChromium = process.env.STOREEDGE_CHROMIUM || '/usr/bin/chromium';
const kChannelKey = 'browser-test-channel-key';
const kAdminKey = 'browser-test-admin-key';
const kStore = '0042';
const kSku = 'BROWSER-KETTLE';
const kPrice = 1299;
const kSyncTimeoutMs = 60_000;
const kBrowserTimeoutMs = 30_000;
// Markup a web shop could put in an order id: if the page ever emitted it unescaped, the script
// would set the flag and open a dialog, and the image's error handler would set it too.
const kOrderId = 'web-<script>window.__storeedgeXss = 1; alert("xss")</script>' +
                 '<img src="x" onerror="window.__storeedgeXss = 2">';

// playwright-core is installed by `npm ci` in tests/browser (scripts/test.sh runs it).
async function loadChromiumDriver() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    throw new Error(`playwright-core is not installed (${e.message}): run \`npm ci\` in tests/browser ` +
                    '(scripts/test.sh does)');
  }
}

function requireChromium() {
  if (!fs.existsSync(kChromium)) {
    assert.fail(`Chromium is not installed (${kChromium} is missing): the browser tests need Debian's ` +
                '`chromium` package; run scripts/setup.sh as root (scripts/deps.txt lists it)');
  }
}

describe('storehub /admin in Chromium', { timeout: 240_000 }, () => {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'storeedge-browser-'));
  let failed = false;
  let hub;
  let edge;
  let hubPort = 0;
  let nodeId = '';
  let browser;
  let adminUrl = '';

  const channel = (method, target, body, expected = 0) =>
    expectStatus(hubPort, method, target, { body, headers: { authorization: `Bearer ${kChannelKey}` } },
                 expected);
  const till = (method, target, body, expected = 0) =>
    expectStatus(edge.port, method, target, { body }, expected);

  function writeHubConfig() {
    fs.writeFileSync(path.join(dir, 'hub', 'storehub.toml'),
                     `[hub]\ndata_dir = "${path.join(dir, 'hub', 'data')}"\n[http]\nport = 0\n` +
                     `[channels]\napi_keys = ["${kChannelKey}"]\n[admin]\napi_keys = ["${kAdminKey}"]\n`);
  }
  // `port` 1: a hub that cannot be reached (connection refused), so the till works offline.
  function writeEdgeConfig(token, port) {
    fs.writeFileSync(path.join(dir, 'edge', 'storeedged.toml'),
                     `[node]\nstore_code = "${kStore}"\ndevice_code = "01"\n` +
                     `data_dir = "${path.join(dir, 'edge', 'data')}"\n[http]\nport = 0\n` +
                     `[sync]\nhub_url = "http://127.0.0.1:${port}"\nenrollment_token = "${token}"\n` +
                     'interval_ms = 100\n');
  }
  async function tillSynced() {
    const r = await request(edge.port, 'GET', '/health');
    return r.status === 200 && r.json.sync.enrolled && r.json.sync.pending_mutations === 0;
  }

  // The ERP's product, price and stock, and a till of the store that pulls them.
  async function openStore() {
    const token = runTool('storehub', ['--config', hub.configFile, 'issue-token', '--store', kStore]).trim();
    await channel('POST', '/channels/v1/catalog', {
      tax_rates: [{ tax_class: 'general', rate_bp: 2100, name: 'IVA general' }],
      products: [{ sku: kSku, name: 'Kettle', tax_class: 'general', sold_by: 'unit' }],
    });
    await channel('POST', '/channels/v1/prices',
                  { prices: [{ store_code: kStore, sku: kSku, unit_price_cents: kPrice }] });
    await channel('POST', '/channels/v1/stock', { levels: [{ store_code: kStore, sku: kSku, level: 10 }] });
    writeEdgeConfig(token, hubPort);
    await edge.start();
    await eventually(async () => {
      const r = await request(edge.port, 'GET', `/api/v1/products?q=${kSku}`);
      return r.status === 200 && r.json.products[0]?.unit_price_cents === kPrice;
    }, kSyncTimeoutMs, 'the till to pull the product and its price');
    return token;
  }

  async function sellOneKettle() {
    const { cart_id } = await till('POST', '/api/v1/carts', {});
    await till('POST', '/api/v1/cart/items', { cart_id, sku: kSku, amount: 1 });
    const cart = await till('POST', '/api/v1/cart/tender',
                            { cart_id, kind: 'cash', amount_cents: 2000 });
    assert.equal(cart.totals.total_cents, kPrice);
    await till('POST', '/api/v1/cart/complete', { cart_id }, 201);
  }

  // The web shop cancels while the till is offline; the till, not knowing, hands the order over.
  async function collectWhileCancelledOnline(token) {
    await eventually(async () => {
      const r = await request(edge.port, 'GET', '/api/v1/pickups');
      return r.status === 200 && r.json.pickups.some((p) => p.order_id === kOrderId);
    }, kSyncTimeoutMs, 'the pickup order to reach the till');
    await eventually(tillSynced, kSyncTimeoutMs, 'the till to push its sale');
    await edge.stop();
    const cancelled = await channel('POST', '/channels/v1/orders/status',
                                    { order_id: kOrderId, status: 'cancelled' });
    assert.equal(cancelled.status, 'cancelled');
    writeEdgeConfig(token, 1);
    await edge.start();
    assert.equal((await till('POST', '/api/v1/pickups/ready', { order_id: kOrderId })).status,
                 'ready_for_pickup');
    assert.equal((await till('POST', '/api/v1/pickups/collect', { order_id: kOrderId })).status,
                 'collected');
    await edge.stop();
    writeEdgeConfig(token, hubPort);
    await edge.start();
    await eventually(tillSynced, kSyncTimeoutMs, 'the till to push the hand-over');
    const order = await eventually(async () => {
      const r = await request(hubPort, 'GET', `/channels/v1/orders?id=${encodeURIComponent(kOrderId)}`,
                              { headers: { authorization: `Bearer ${kChannelKey}` } });
      return r.status === 200 && r.json.needs_review ? r.json : null;
    }, kSyncTimeoutMs, 'the hub to flag the order for review');
    assert.equal(order.status, 'collected');
  }

  before(async () => {
    failed = true;  // until the data is in place: a failed set-up keeps its logs
    requireChromium();
    const chromium = await loadChromiumDriver();
    for (const sub of ['hub', 'edge']) fs.mkdirSync(path.join(dir, sub));
    writeHubConfig();
    hub = new Daemon('storehub', path.join(dir, 'hub', 'storehub.toml'), path.join(dir, 'hub', 'data'));
    edge = new Daemon('storeedged', path.join(dir, 'edge', 'storeedged.toml'), path.join(dir, 'edge', 'data'));
    hubPort = await hub.start();
    adminUrl = `http://127.0.0.1:${hubPort}/admin`;
    const token = await openStore();
    await sellOneKettle();
    await channel('POST', '/channels/v1/orders', {
      order_id: kOrderId, fulfilment: 'pickup', store_code: kStore, currency: 'EUR',
      lines: [{ sku: kSku, quantity: 1, unit_price_cents: kPrice }], total_cents: kPrice, tax_cents: 225,
    }, 201);
    await collectWhileCancelledOnline(token);
    const nodes = (await expectStatus(hubPort, 'GET', '/admin/v1/nodes',
                                      { headers: { authorization: `Bearer ${kAdminKey}` } })).nodes;
    assert.equal(nodes.length, 1);
    nodeId = nodes[0].node_id;
    // Loopback only: Chromium resolves no host name; 127.0.0.1 is the one address it may reach.
    browser = await chromium.launch({ executablePath: kChromium, headless: true, timeout: kBrowserTimeoutMs,
                                      args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
    failed = false;
  }, { timeout: 180_000 });

  after(async () => {
    await browser?.close();
    await edge?.stop().catch(() => {});
    await hub?.stop().catch(() => {});
    if (failed || process.env.STOREEDGE_KEEP_TEST_DIR) {
      console.log(`browser test files (configurations, logs, screenshots) kept in ${dir}`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // A page in a fresh browser context; every request it makes is recorded.
  async function openAdmin(contextOptions = {}) {
    const context = await browser.newContext(contextOptions);
    context.setDefaultTimeout(kBrowserTimeoutMs);
    context.setDefaultNavigationTimeout(kBrowserTimeoutMs);
    const page = await context.newPage();
    const seen = { requests: [], dialogs: [], errors: [] };
    page.on('request', (r) => seen.requests.push(r.url()));
    page.on('dialog', (d) => {
      seen.dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => seen.errors.push(e.message));
    let response = null;
    page.on('response', (r) => {
      if (r.url() === adminUrl) response = r;
    });
    let navigationError = '';
    try {
      await page.goto(adminUrl, { waitUntil: 'load' });
    } catch (e) {
      navigationError = e.message;
    }
    return { context, page, response, navigationError, seen };
  }

  // Marks the suite failed for after() (keeps the directory) and rethrows.
  const step = (name, fn) => test(name, { timeout: 90_000 }, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      failed = true;
      throw e;
    }
  });

  step('without the admin key the page is refused with a Basic challenge', async () => {
    // No key, or a wrong Bearer key: the hub answers 401 asking for Basic credentials; headless
    // Chromium has no one to type them and ends the navigation without showing anything.
    for (const options of [{}, { extraHTTPHeaders: { authorization: 'Bearer not-the-admin-key-1' } }]) {
      const refused = await openAdmin(options);
      assert.equal(refused.response?.status(), 401);
      assert.match(refused.response.headers()['www-authenticate'] ?? '', /^Basic realm="storehub admin"/);
      assert.match(refused.navigationError, /ERR_INVALID_AUTH_CREDENTIALS/);
      await refused.context.close();
    }
    // A wrong password: Chromium sends it, the hub refuses it again, Chromium shows the refusal.
    const wrong = await openAdmin({ httpCredentials: { username: 'hq', password: 'not-the-admin-key-1' } });
    assert.equal(wrong.navigationError, '');
    assert.equal(wrong.response.status(), 401);
    const shown = await wrong.page.locator('body').innerText();
    assert.match(shown, /missing or wrong admin key/);
    assert.doesNotMatch(shown, /Orders for review/);
    await wrong.context.close();
  });

  step('with the admin key it lists the node, the quarantined mutation and the order for review',
       async (t) => {
    const { context, page, response, navigationError, seen } =
        await openAdmin({ httpCredentials: { username: 'hq', password: kAdminKey } });
    assert.equal(navigationError, '');
    assert.equal(response.status(), 200);
    assert.equal(await page.title(), 'storehub admin');
    const nodes = page.locator('h2:has-text("Nodes") + table tbody tr');
    assert.equal(await nodes.count(), 1);
    const node = await nodes.first().locator('td').allInnerTexts();
    assert.equal(node[0], nodeId);
    assert.equal(node[1], kStore);
    assert.ok(Number(node[2]) >= 3, `last mutation ${node[2]}: the sale, "ready" and "collected"`);
    assert.match(node[4], /^\d+$/, 'the node has an apply lag');
    assert.equal(node[5], '1', 'one quarantined mutation');

    const quarantined = await page.locator('h2:has-text("Quarantined mutations") + table tbody tr td')
                                  .allInnerTexts();
    assert.equal(quarantined[0], nodeId);
    assert.equal(quarantined[2], 'order.status');
    assert.ok(quarantined[4].includes(`order ${kOrderId} cannot go from cancelled to ready_for_pickup`),
              quarantined[4]);

    const review = page.locator('h2:has-text("Orders for review") + table tbody tr');
    assert.equal(await review.count(), 1);
    const cells = await review.first().locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 5), [kOrderId, 'web', 'pickup', kStore, 'collected']);
    assert.match(cells[5], /collected in store while cancelled online/);
    assert.equal(cells[6], String(kPrice));

    assert.deepEqual(seen.requests, [adminUrl], 'the page loads nothing but itself');
    const shot = path.join(dir, 'admin.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(fs.statSync(shot).size > 0);
    t.diagnostic(`screenshot: ${shot}`);
    await context.close();
  });

  step('markup in an order id shows as text and never runs', async () => {
    const { context, page, response, navigationError, seen } =
        await openAdmin({ extraHTTPHeaders: { authorization: `Bearer ${kAdminKey}` } });
    assert.equal(navigationError, '');
    assert.equal(response.status(), 200, 'a Bearer key opens the page too');
    // The page is loaded (goto waited for `load`): an injected script or image handler has run by now.
    assert.deepEqual(seen.dialogs, [], 'no script ran to open a dialog');
    assert.deepEqual(seen.errors, []);
    assert.equal(await page.evaluate(() => window.__storeedgeXss), undefined, 'no injected code ran');
    assert.equal(await page.evaluate(() => document.scripts.length), 0, 'the page has no script element');
    assert.equal(await page.evaluate(() => document.images.length), 0, 'the markup made no image');
    assert.equal(await page.getByText(kOrderId, { exact: true }).count(), 1, 'the order id shows as text');
    assert.ok((await page.content()).includes('web-&lt;script&gt;window.__storeedgeXss'));
    await context.close();
  });
});
