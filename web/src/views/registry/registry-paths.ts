/** Where the registry's pages live; names may hold any character, so each part is encoded. */
export const modelPath = (name: string) => `/models/${encodeURIComponent(name)}`;
export const versionPagePath = (name: string, version: number) => `${modelPath(name)}/versions/${version}`;
export const compareVersionsPath = (name: string, a: number, b: number) => `${modelPath(name)}/compare?a=${a}&b=${b}`;

/** Sections of the version page that hold the evidence behind a badge on the versions table. */
export type VersionSection = 'revalidation' | 'completeness' | 'policies' | 'requests';
export const versionSectionId = (section: VersionSection) => `version-${section}`;
export const versionEvidencePath = (name: string, version: number, section: VersionSection) =>
  `${versionPagePath(name, version)}#${versionSectionId(section)}`;
