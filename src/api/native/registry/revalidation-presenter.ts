import type { RevalidationFlag } from '../../../domain/registry/revalidation.js';

/** What a flag shows in place of a node the caller may not read. */
export const HIDDEN_NODE = 'hidden';

/**
 * A flag as one caller may see it: the version's readers learn that it must be revalidated, but a run, dataset or
 * model version on its cause or path that they may not read is named only as hidden, and so is the cause's sentence
 * when it names one.
 */
export async function presentFlag(
  flag: RevalidationFlag,
  visible: (nodeId: string) => Promise<boolean>,
): Promise<RevalidationFlag> {
  const shown = async (id: string) => ((await visible(id)) ? id : HIDDEN_NODE);
  const upstreamShown = await visible(flag.cause.upstreamNodeId);
  const replacedShown = await visible(flag.cause.replacedNodeId);
  const path = [];
  for (const step of flag.path) path.push({ ...step, from: await shown(step.from), to: await shown(step.to) });
  return {
    ...flag,
    cause: {
      ...flag.cause,
      upstreamNodeId: upstreamShown ? flag.cause.upstreamNodeId : HIDDEN_NODE,
      upstreamLabel: upstreamShown ? flag.cause.upstreamLabel : HIDDEN_NODE,
      replacedNodeId: replacedShown ? flag.cause.replacedNodeId : HIDDEN_NODE,
      description:
        upstreamShown && replacedShown
          ? flag.cause.description
          : 'Something the version was trained on changed upstream (in data you may not read)',
    },
    path,
  };
}

export async function presentFlags(
  flags: readonly RevalidationFlag[],
  visible: (nodeId: string) => Promise<boolean>,
): Promise<RevalidationFlag[]> {
  const shown = [];
  for (const flag of flags) shown.push(await presentFlag(flag, visible));
  return shown;
}
