/**
 * Parses the first rows of CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) for a preview;
 * reading stops after `maxRows` rows so a huge file costs no more than its head.
 */
export function parseCsvHead(text: string, maxRows: number, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length && rows.length < maxRows) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
    i++;
  }
  if (rows.length < maxRows && !quoted && (field !== '' || row.length > 0)) endRow();
  return rows;
}
