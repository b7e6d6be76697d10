import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Uploads a snapshot of a log file as the run artifact `logs/<name>`. */
export type LogUpload = (snapshotPath: string) => Promise<void>;

/**
 * One output stream of the command (stdout or stderr): passed to the terminal unchanged and appended to a file
 * under `workDir`, which is uploaded as `logs/<name>.txt` every `uploadMs` while it grows and once more at the end,
 * so a run that crashes keeps what it printed; without `uploadMs`, only at the end. Only the file holds the log: when the terminal or the disk is slower
 * than the command, the command's pipe is paused rather than output piling up in memory.
 */
export class OutputLog {
  private readonly file: WriteStream;
  private readonly logPath: string;
  private readonly snapshotDir: string;
  private timer: ReturnType<typeof setInterval> | undefined;
  private written = 0;
  private uploaded = -1;
  private uploading: Promise<void> | undefined;
  private failure: string | undefined;
  /** Each upload sends the whole log again: after one that took t, the next waits 4t, so uploads stay a fifth of the time. */
  private notBefore = 0;

  constructor(
    readonly name: 'stdout' | 'stderr',
    workDir: string,
    private readonly upload: LogUpload,
  ) {
    this.logPath = join(workDir, `${name}.log`);
    this.snapshotDir = join(workDir, `${name}-snapshot`);
    this.file = createWriteStream(this.logPath);
  }

  /** Tees `source` to `terminal` and the log; `onText` sees the text too (for metrics printed as lines). */
  attach(source: Readable, terminal: Writable, uploadMs: number | undefined, onText?: (text: string) => void): void {
    // Characters split across chunks are joined before they are read as text.
    const decoder = new StringDecoder('utf8');
    let waiting = 0;
    const release = () => {
      if (--waiting === 0) source.resume();
    };
    // A terminal that goes away (`mnemo run … | head`) stops getting output; the log and the command go on.
    let terminalOpen = true;
    terminal.on('error', () => {
      if (!terminalOpen) return;
      terminalOpen = false;
      terminal.emit('drain');
    });
    source.on('data', (chunk: Buffer) => {
      this.written += chunk.length;
      if (onText) onText(decoder.write(chunk));
      for (const sink of terminalOpen ? [terminal, this.file] : [this.file]) {
        if (!sink.write(chunk)) {
          waiting++;
          source.pause();
          sink.once('drain', release);
        }
      }
    });
    // No "never" delay stands in for undefined: Node runs a delay above 2^31 - 1 ms after 1 ms instead.
    if (uploadMs === undefined) return;
    this.timer = setInterval(() => {
      if (Date.now() >= this.notBefore) void this.uploadIfGrown();
    }, uploadMs);
    this.timer.unref();
  }

  /** Closes the log and uploads it a last time; answers why uploads failed, if they did. */
  async finish(): Promise<string | undefined> {
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((resolve) => this.file.end(resolve));
    await this.uploading;
    await this.uploadIfGrown();
    return this.failure;
  }

  private uploadIfGrown(): Promise<void> {
    if (this.uploading || this.written === this.uploaded) return this.uploading ?? Promise.resolve();
    const size = this.written;
    const started = Date.now();
    this.uploading = this.snapshot()
      .then((path) => this.upload(path))
      .then(
        () => {
          this.uploaded = size;
          this.failure = undefined;
          this.notBefore = Date.now() + 4 * (Date.now() - started);
        },
        (error: unknown) => {
          this.failure = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        this.uploading = undefined;
      });
    return this.uploading;
  }

  /** A copy of the log as it is now, named as the artifact, so the upload reads a file that no longer grows. */
  private async snapshot(): Promise<string> {
    await mkdir(this.snapshotDir, { recursive: true });
    const path = join(this.snapshotDir, `${this.name}.txt`);
    await copyFile(this.logPath, path);
    return path;
  }
}
