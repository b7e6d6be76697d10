/**
 * Cuts a byte stream into lines for reading metrics out of a program's output. A line longer than `maxLength` is
 * dropped whole (it cannot be a metric line), so however long a line a program prints, little is held in memory.
 */
export class LineSplitter {
  private partial = '';
  private overflowing = false;

  constructor(private readonly maxLength: number) {}

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, newline);
      if (!this.overflowing && this.partial.length + piece.length <= this.maxLength) {
        lines.push((this.partial + piece).replace(/\r$/, ''));
      }
      this.partial = '';
      this.overflowing = false;
      start = newline + 1;
    }
    const rest = chunk.slice(start);
    if (!this.overflowing) {
      if (this.partial.length + rest.length > this.maxLength) {
        this.partial = '';
        this.overflowing = true;
      } else {
        this.partial += rest;
      }
    }
    return lines;
  }

  /** The last line, when the output did not end with a newline. */
  end(): string[] {
    const last = this.overflowing || this.partial === '' ? [] : [this.partial.replace(/\r$/, '')];
    this.partial = '';
    this.overflowing = false;
    return last;
  }
}
