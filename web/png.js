// A PNG encoder small enough to give the same bytes everywhere (the page, Node): 8-bit RGBA, deflate "stored" blocks
// (no compression, so no zlib implementation's choices), CRC-32 and Adler-32 by their definitions. The figure export
// embeds big grids' one-pixel-per-cell images with it; they are at most 160×160 pixels.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes) {
  let a = 1, b = 0;
  for (const v of bytes) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const u32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

function chunk(type, data) {
  const typed = [...type].map((ch) => ch.charCodeAt(0));
  const body = new Uint8Array(typed.length + data.length);
  body.set(typed, 0);
  body.set(data, typed.length);
  const out = new Uint8Array(body.length + 8);
  out.set(u32(data.length), 0);
  out.set(body, 4);
  out.set(u32(crc32(body)), body.length + 4);
  return out;
}

/** RGBA pixels (width × height × 4 bytes) -> PNG file bytes. */
export function encodePNG(width, height, rgba) {
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const blocks = [0x78, 0x01]; // zlib header: deflate, no preset dictionary
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const part = raw.subarray(at, Math.min(raw.length, at + 65535));
    const last = at + 65535 >= raw.length ? 1 : 0;
    blocks.push(last, part.length & 255, part.length >>> 8, ~part.length & 255, (~part.length >>> 8) & 255);
    for (const b of part) blocks.push(b);
    if (last) break;
  }
  blocks.push(...u32(adler32(raw)));
  const header = [...u32(width), ...u32(height), 8, 6, 0, 0, 0]; // 8-bit RGBA, not interlaced
  const parts = [[137, 80, 78, 71, 13, 10, 26, 10], chunk('IHDR', Uint8Array.from(header)), chunk('IDAT', Uint8Array.from(blocks)),
    chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Bytes -> base64 text, the same in every environment. */
export function base64(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}
