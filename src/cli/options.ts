import { Option } from 'commander';

/** Every flag also reads MNEMO_<FLAG> from the environment, so containers can be configured without arguments. */
export function envOption(flags: string, description: string, defaultValue?: string): Option {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? '';
  const option = new Option(flags, description).env(`MNEMO_${long.replaceAll('-', '_').toUpperCase()}`);
  return defaultValue === undefined ? option : option.default(defaultValue);
}
