/** The lineage page opened on a node, named `<kind>:<id>` or as people know it (`model_version:<name>/<n>`). */
export const lineagePath = (nodeId: string) => `/lineage?node=${encodeURIComponent(nodeId)}`;
