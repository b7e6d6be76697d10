/**
 * A one-line progress report on a terminal for work that takes more than a second (hashing large data). Nothing is
 * printed when stderr is not a terminal or the work is quick, so logs and pipes stay clean.
 */
export class Progress {
  private readonly started: number;
  private shown = false;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
    private readonly clock: () => number = Date.now,
  ) {
    this.started = clock();
  }

  update(done: number, total: number): void {
    if (!this.stream.isTTY) return;
    const now = this.clock();
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const percent = total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '';
    this.stream.write(`\r\x1b[Kmnemo: ${this.label}${percent} (${megabytes(done)} of ${megabytes(total)} MB)`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);
