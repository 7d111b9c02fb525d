import { checkScreen, newPage, seriousA11yViolations, startWorld, type BrowserWorld } from './helpers/browser';

describe('the browser harness itself', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the login page opens without JavaScript, then it is accessible', async () => {
    const page = await newPage(world);
    await page.goto(`${world.customerUrl}/login`);
    await checkScreen(world, page, 'login');
  });

  test('when a screen has an unlabelled input, then the accessibility check reports it (the check can fail)', async () => {
    const page = await newPage(world);
    await page.goto(`${world.customerUrl}/login`);
    await page.setContent('<!doctype html><html lang="ja"><head><title>t</title></head><body><main><input type="text"></main></body></html>');
    const found = await seriousA11yViolations(world, page);
    expect(found.map((v) => v.id)).toContain('label');
  });

  test('when a page is opened, then scripts do not run in it', async () => {
    const page = await newPage(world);
    await page.goto(`${world.customerUrl}/login`);
    await page.setContent('<!doctype html><html lang="ja"><body><p id="p">off</p><script>document.getElementById("p").textContent = "on"</script></body></html>');
    await expect(page.locator('#p').textContent()).resolves.toBe('off');
  });
});
