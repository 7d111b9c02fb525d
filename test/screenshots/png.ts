import zlib from 'node:zlib';

/**
 * Small PNGs for the README without an image tool (issue 15): Chromium writes
 * 8-bit RGB(A) with light compression; a screen of text and flat colours
 * fits a 256-colour palette. The colours are the screen's most frequent ones,
 * every other (the edges of antialiased glyphs) becoming its nearest, and the
 * result is compressed at zlib's best level. Deterministic: the same screen
 * gives the same bytes, so an unchanged picture is no change in git.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Rgb {
  width: number;
  height: number;
  /** One 0xRRGGBB per pixel (screens are opaque: alpha is dropped). */
  pixels: Uint32Array;
}

export function optimisePng(png: Buffer): Buffer {
  const image = decode(png);
  const { palette, indexOf } = quantise(image.pixels, 256);
  const rows = Buffer.alloc((image.width + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    const row = y * (image.width + 1); // each row: filter type 0, then the indices
    for (let x = 0; x < image.width; x++) rows[row + 1 + x] = indexOf.get(image.pixels[y * image.width + x]!)!;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8); // 8 bits per index, colour type 3 (palette), no interlace
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((c, i) => plte.set([c >>> 16, (c >>> 8) & 0xff, c & 0xff], i * 3));
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9, memLevel: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** At most `size` colours: the most frequent ones, each other colour mapped to its nearest among them. */
function quantise(pixels: Uint32Array, size: number): { palette: number[]; indexOf: Map<number, number> } {
  const counts = new Map<number, number>();
  for (const p of pixels) counts.set(p, (counts.get(p) ?? 0) + 1);
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const palette = byFrequency.slice(0, size);
  const indexOf = new Map(palette.map((c, i) => [c, i]));
  for (const c of byFrequency.slice(size)) indexOf.set(c, nearest(palette, c));
  return { palette, indexOf };
}

function nearest(palette: number[], c: number): number {
  let best = 0;
  let bestDistance = Infinity;
  palette.forEach((p, i) => {
    const dr = (p >>> 16) - (c >>> 16);
    const dg = ((p >>> 8) & 0xff) - ((c >>> 8) & 0xff);
    const db = (p & 0xff) - (c & 0xff);
    const distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db; // weighted as the eye weighs them
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The chunk checksum (PNG's CRC-32; zlib.crc32 arrived only in Node 20.15). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads what Chromium writes: 8-bit RGB or RGBA, not interlaced. */
function decode(png: Buffer): Rgb {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      const [depth, colourType, , , interlace] = data.subarray(8);
      channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const current = Buffer.alloc(stride);
  const previous = Buffer.alloc(stride);
  const pixels = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    unfilter(raw[start]!, raw.subarray(start + 1, start + 1 + stride), current, previous, channels);
    for (let x = 0; x < width; x++) {
      const i = x * channels;
      pixels[y * width + x] = ((current[i]! << 16) | (current[i + 1]! << 8) | current[i + 2]!) >>> 0;
    }
    current.copy(previous);
  }
  return { width, height, pixels };
}

/** PNG's five row filters, undone (RFC 2083 §6). */
function unfilter(filter: number, row: Buffer, out: Buffer, above: Buffer, bpp: number): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? out[i - bpp]! : 0;
    const b = above[i]!;
    const c = i >= bpp ? above[i - bpp]! : 0;
    let predicted = 0;
    if (filter === 1) predicted = a;
    else if (filter === 2) predicted = b;
    else if (filter === 3) predicted = (a + b) >>> 1;
    else if (filter === 4) {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    } else if (filter !== 0) throw new Error(`unknown PNG filter ${filter}`);
    out[i] = (row[i]! + predicted) & 0xff;
  }
}
