/** JSON text columns read back: a corrupt or absent value reads as the fallback instead of failing a whole query. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
