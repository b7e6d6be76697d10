/** A two-column table of keys and values, long values wrapped rather than cut. */
export function KeyValueTable({
  entries,
  empty,
  testId,
}: {
  entries: [string, string][];
  empty: string;
  testId?: string;
}) {
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="data-table compact kv" data-testid={testId}>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th className="mono">{key}</th>
            <td className="mono wrap">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
