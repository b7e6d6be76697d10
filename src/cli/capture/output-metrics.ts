import { LineSplitter } from '../../domain/capture/line-splitter.js';
import { MAX_METRIC_LINE, parseMetricLine } from '../../domain/capture/metric-line.js';

export type LogMetric = (key: string, value: number, step: number) => void;

/**
 * Reads metric lines (`loss=0.31 step=12`, `{"loss": 0.31}`) out of one output stream for `--parse-metrics`. Points
 * go to the run's buffer, which sends them in batches. A line without a step gets the number of metric lines seen
 * before it on the stream, so its points still form a series.
 */
export class OutputMetrics {
  private readonly splitter = new LineSplitter(MAX_METRIC_LINE);
  private lines = 0;
  points = 0;

  constructor(private readonly log: LogMetric) {}

  push(text: string): void {
    for (const line of this.splitter.push(text)) this.read(line);
  }

  end(): void {
    for (const line of this.splitter.end()) this.read(line);
  }

  private read(line: string): void {
    const parsed = parseMetricLine(line);
    if (!parsed) return;
    const step = parsed.step ?? this.lines;
    this.lines++;
    for (const [key, value] of Object.entries(parsed.values)) {
      this.log(key, value, step);
      this.points++;
    }
  }
}
