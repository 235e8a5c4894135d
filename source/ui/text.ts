/** Cuts a line to width (with an ellipsis), so nothing wraps into the next row. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

/** Pads or cuts to exactly width. */
export const cell = (text: string, width: number): string => fit(text, width).padEnd(width);

/** The first row of a window of `height` rows over `length` rows that keeps `cursor` in view, near the middle. */
export function windowStart(cursor: number, height: number, length: number): number {
  if (length <= height) return 0;
  return Math.max(0, Math.min(cursor - Math.floor(height / 2), length - height));
}
