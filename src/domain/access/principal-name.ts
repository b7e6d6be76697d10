/**
 * Names of users, service accounts and teams: what a person types in a CLI and sees in an audit log, so letters,
 * digits and `. _ - @` only (an email address works), 1–64 characters, starting with a letter or digit.
 */
export function principalNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) {
    return `'${name.slice(0, 80)}' is not a valid name: use 1–64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit`;
  }
  return undefined;
}
