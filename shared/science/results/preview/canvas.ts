/** An RGBA raster with the few drawing operations previews need, encoded as PNG by pngjs. */
import { PNG } from 'pngjs';
import type { Rgb } from './colormaps.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font-5x7.js';

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < this.data.length; i += 4) {
      this.data[i] = background[0];
      this.data[i + 1] = background[1];
      this.data[i + 2] = background[2];
      this.data[i + 3] = 255;
    }
  }

  setPixel(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = 255;
  }

  getPixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!];
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.setPixel(xx, yy, color);
    }
  }

  strokeRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.fillRect(x, y, w, 1, color);
    this.fillRect(x, y + h - 1, w, 1, color);
    this.fillRect(x, y, 1, h, color);
    this.fillRect(x + w - 1, y, 1, h, color);
  }

  /** A 1-pixel line (Bresenham), drawn only where `inside` allows. */
  line(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    color: Rgb,
    inside?: (x: number, y: number) => boolean,
  ): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      if (!inside || inside(x, y)) this.setPixel(x, y, color);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Text in the 5x7 font, each font pixel drawn as `scale` x `scale`; (x, y) is the top-left corner. */
  text(x: number, y: number, text: string, color: Rgb = BLACK, scale = 1): void {
    [...text].forEach((char, k) => {
      const left = x + k * (GLYPH_WIDTH + 1) * scale;
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (glyphPixel(char, gx, gy)) this.fillRect(left + gx * scale, y + gy * scale, scale, scale, color);
        }
      }
    });
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data.set(this.data);
    // Paeth filtering only: as small as pngjs's adaptive choice on these maps, and several times faster.
    return PNG.sync.write(png, { filterType: 4 });
  }
}

export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/** `text` cut (with "...") to fit `width` pixels at `scale`. */
export function fitText(text: string, width: number, scale = 1): string {
  if (textWidth(text, scale) <= width) return text;
  const chars = Math.max(0, Math.floor((width / scale + 1) / (GLYPH_WIDTH + 1)) - 3);
  return `${text.slice(0, chars)}...`;
}
