/** Line numbers (1-based) of offsets into one file, by binary search over its newlines. */
export interface LineIndex {
  /** Line of a character offset (JavaScript string index). */
  ofCharacter(offset: number): number;
  /** Line of a UTF-8 byte offset, as the parser's `location`s are. */
  ofByte(offset: number): number;
}

export function lineIndex(text: string): LineIndex {
  const characterNewlines: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) characterNewlines.push(i);
  let byteNewlines: number[] | undefined;
  return {
    ofCharacter: (offset) => 1 + countBelow(characterNewlines, offset),
    ofByte: (offset) => {
      // A newline is one byte in UTF-8: counting them in the bytes gives the same lines.
      if (!byteNewlines) {
        const bytes = Buffer.from(text, 'utf8');
        byteNewlines = [];
        for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) byteNewlines.push(i);
      }
      return 1 + countBelow(byteNewlines, offset);
    },
  };
}

/** How many of the sorted numbers are below `value`. */
function countBelow(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
