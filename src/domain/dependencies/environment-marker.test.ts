import { describe, expect, it } from 'vitest';
import { checkCompatibility } from './compatibility.js';
import type { DeclaredDependency } from './declared-dependency.js';
import { evaluateMarker, type MarkerEnvironment, markerEnvironment } from './environment-marker.js';
import { providedEnvironment } from './provided-environment.js';

const linux311: MarkerEnvironment = markerEnvironment(
  providedEnvironment({
    os: 'Linux',
    runtime: 'CPython 3.11.4',
    packages: {},
    hardware: {},
    containerImageDigest: null,
  }),
  'CPython 3.11.4',
);

describe('evaluateMarker', () => {
  // Expected values written from PEP 508: versions compare as versions, and unknown stays unknown.
  it.each([
    ['python_version >= "3.8"', true],
    ['python_version > "3.9"', true], // as versions: 3.11 > 3.9, though "3.11" < "3.9" as strings
    ['python_version < "3.10"', false],
    ['"3.12" > python_version', true],
    ['python_full_version == "3.11.4"', true],
    ['python_version == "3.11"', true],
    ['sys_platform == "linux" and os_name == "posix"', true],
    ['sys_platform == "win32"', false],
    ['platform_system != "Windows"', true],
    ["'linux' in sys_platform", true],
    ['"win" not in sys_platform', true],
    ['implementation_name == "cpython"', true],
    ['platform_python_implementation == "PyPy"', false],
    ['extra == "gpu"', false],
    ['platform_machine == "arm64"', 'unknown'],
    ['python_version < "3" and platform_machine == "arm64"', false],
    ['python_version >= "3" or platform_machine == "arm64"', true],
    ['platform_machine == "arm64" or sys_platform == "darwin"', 'unknown'],
    ['(python_version >= "3.8" and python_version < "3.11") or sys_platform == "win32"', false],
    ['( python_version>="3.8" and python_version<"3.12" )', true],
    ['sys.platform == "linux"', true],
    ['platform_release >= "5"', 'unknown'],
    ['sys_platform < "m"', 'unknown'],
    ['python_version >=', 'unknown'],
    ['colour == "blue"', 'unknown'],
    ['python_version >= "3.8" python_version', 'unknown'],
    ['(python_version >= "3.8"', 'unknown'],
  ] as const)('%s → %s on CPython 3.11.4, Linux', (marker, expected) => {
    expect(evaluateMarker(marker, linux311)).toBe(expected);
  });

  it('reads Windows, macOS and the machine from the OS a target states', () => {
    const env = (os: string, runtime = 'python 3.9.1') =>
      markerEnvironment(
        providedEnvironment({ os, runtime, packages: {}, hardware: {}, containerImageDigest: null }),
        runtime,
      );
    expect(env('Windows Server 2022')).toMatchObject({ sys_platform: 'win32', os_name: 'nt', python_version: '3.9' });
    expect(env('macOS 14 arm64')).toMatchObject({ sys_platform: 'darwin', platform_machine: 'arm64' });
    expect(env('Ubuntu 22.04 x86_64')).toMatchObject({ sys_platform: 'linux', platform_machine: 'x86_64' });
    expect(env('Plan 9').sys_platform).toBeUndefined();
    expect(env('Linux', 'python 3.9.1').implementation_name).toBeUndefined();
  });
});

describe('markers in a compatibility check', () => {
  const declared = (name: string, specifier: string, marker: string): DeclaredDependency => ({
    kind: 'pypi',
    name,
    specifier,
    marker,
    source: { file: 'api', line: 0, column: 0 },
  });
  const target = providedEnvironment({
    os: 'Debian 12',
    runtime: 'CPython 3.10.12',
    packages: { numpy: '1.26.4' },
    hardware: {},
    containerImageDigest: null,
  });

  it('checks what applies to the target, skips what does not and lists what it cannot tell', () => {
    const result = checkCompatibility(
      [
        declared('tomli', '>=1.1', 'python_version < "3.11"'), // applies: Python 3.10, and tomli is missing
        declared('numpy', '<1.20', 'python_version < "3.8"'), // does not apply: would be violated
        declared('pywin32', '>=300', 'sys_platform == "win32"'), // does not apply: missing
        declared('numpy', '>=1.24', 'sys_platform == "linux"'), // applies and holds
        declared('tensorflow-metal', '', 'platform_machine == "arm64"'), // cannot tell
      ],
      target,
    );
    expect(result.violations.map((v) => [v.package, v.why])).toEqual([['tomli', 'not installed on the target']]);
    expect(result.unchecked.map((u) => u.package)).toEqual(['tensorflow-metal']);
    expect(result.compatible).toBe(false);
  });
});
