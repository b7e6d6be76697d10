import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiLine, systemMetrics } from './system-metrics.js';

describe('systemMetrics', () => {
  it("names each measure as MLflow's system metrics do and counts I/O from the first reading", () => {
    const first = {
      cpu: { idle: 0, total: 0 },
      disk: { readBytes: 1e6, writeBytes: 0 },
      net: { receiveBytes: 5e6, transmitBytes: 1e6 },
    };
    const previous = { ...first, cpu: { idle: 800, total: 1000 } };
    const now = {
      cpu: { idle: 1100, total: 1500 },
      memory: { totalBytes: 4e9, availableBytes: 3e9 },
      filesystem: { totalBytes: 100e6, availableBytes: 25e6 },
      disk: { readBytes: 3e6, writeBytes: 5e5 },
      net: { receiveBytes: 7.5e6, transmitBytes: 1e6 },
      gpus: [{ utilizationPercent: 80, memoryUsedMiB: 1024, memoryTotalMiB: 4096 }],
    };
    expect(systemMetrics(first, previous, now)).toEqual({
      'system/cpu_utilization_percentage': 40,
      'system/system_memory_usage_megabytes': 1000,
      'system/system_memory_usage_percentage': 25,
      'system/disk_usage_megabytes': 75,
      'system/disk_usage_percentage': 75,
      'system/disk_available_megabytes': 25,
      'system/disk_read_megabytes': 2,
      'system/disk_write_megabytes': 0.5,
      'system/network_receive_megabytes': 2.5,
      'system/network_transmit_megabytes': 0,
      'system/gpu_0_utilization_percentage': 80,
      'system/gpu_0_memory_usage_megabytes': 1073.74,
      'system/gpu_0_memory_usage_percentage': 25,
    });
  });

  it('leaves out what could not be read', () => {
    expect(systemMetrics({}, {}, {})).toEqual({});
  });
});

describe('parseNvidiaSmiLine', () => {
  it('reads name, memory and utilisation', () => {
    expect(parseNvidiaSmiLine('NVIDIA A100-SXM4-40GB, 40960, 1024, 87')).toEqual({
      name: 'NVIDIA A100-SXM4-40GB',
      memoryTotalMiB: 40960,
      memoryUsedMiB: 1024,
      utilizationPercent: 87,
    });
    expect(parseNvidiaSmiLine('[N/A]')).toBeUndefined();
    expect(parseNvidiaSmiLine('GPU, x, 1, 2')).toBeUndefined();
  });
});
