import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Issue 15: a newcomer opening the README saw six broken pictures. Every image it
// names must be a file in the repository — tracked by git, not merely lying in
// this checkout (a picture `npm run screenshots` wrote but nobody committed).

const ROOT = path.resolve(__dirname, '..', '..');

/** The local image paths of markdown: ![alt](path "title") and <img src="path">; web addresses are not ours to check. */
function imagePaths(markdown: string): string[] {
  const found = [
    ...[...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...markdown.matchAll(/<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!),
  ];
  return found.filter((p) => !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(p)).map((p) => decodeURI(p.replace(/[?#].*$/, '')));
}

const tracked = (file: string): boolean => execFileSync('git', ['ls-files', '--', file], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';

describe('the README pictures', () => {
  test('when images are named in markdown or HTML, then their local paths are found and web addresses left alone', () => {
    const markdown = '![ログイン](docs/a.png) <img src="docs/b%20c.png" alt=""> ![x](https://example.com/x.png) ![t](<docs/d.png> "title")';
    expect(imagePaths(markdown)).toEqual(['docs/a.png', 'docs/d.png', 'docs/b c.png']);
  });

  test('when the README names an image, then the file is in the repository', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const images = imagePaths(readme);
    expect(images.length).toBeGreaterThan(0);
    const missing = images.filter((image) => !fs.existsSync(path.join(ROOT, image)) || !tracked(image));
    expect(missing).toEqual([]);
  });
});
