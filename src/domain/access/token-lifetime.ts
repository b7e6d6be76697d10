/** Parses `--expires-in` values: a whole number of minutes, hours, days or weeks (`90m`, `12h`, `30d`, `2w`). */
export function parseLifetime(text: string): number | undefined {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (amount === 0) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'];
  return amount * unit;
}
